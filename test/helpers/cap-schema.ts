// Validates a CAP document against the OASIS CAP 1.2 schema with Debian's xmllint
// (libxml2-utils, installed by .ci/run). A missing xmllint is a failure, never a skip.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CAP_XSD = resolve(import.meta.dirname, '../fixtures/cap-1.2.xsd');

/** xmllint's complaint, or null when the document is valid. */
export function capSchemaProblems(xml: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'cap-'));
  const file = join(dir, 'alert.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', CAP_XSD, file], { stdio: 'pipe' });
    return null;
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('xmllint not found: apt-get install -y libxml2-utils');
    return String(err.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
