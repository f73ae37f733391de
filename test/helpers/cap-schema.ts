// Validates XML against a schema with Debian's xmllint (libxml2-utils, installed by .ci/run): CAP
// 1.2 (OASIS) and PFIF 1.4. A missing xmllint is a failure, never a skip.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CAP_XSD = resolve(import.meta.dirname, '../fixtures/cap-1.2.xsd');
export const PFIF_XSD = resolve(import.meta.dirname, '../fixtures/pfif-1.4.xsd');

/** xmllint's complaint, or null when the CAP alert is valid. */
export function capSchemaProblems(xml: string): string | null {
  return schemaProblems(xml, CAP_XSD);
}

/** xmllint's complaint, or null when `xml` is valid against the schema file `xsd`. */
export function schemaProblems(xml: string, xsd: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'xsd-'));
  const file = join(dir, 'document.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', xsd, file], { stdio: 'pipe' });
    return null;
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('xmllint not found: apt-get install -y libxml2-utils');
    return String(err.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
