// docs/protocol.md's table of close codes is the one operators and third-party clients read: it
// must name every code in domain/protocol.ts's CLOSE, no other, and say "no" (do not reconnect)
// exactly for FATAL_CLOSE_CODES.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOSE, FATAL_CLOSE_CODES } from '../../domain/protocol';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/protocol.md'), 'utf8');

/** The rows of the table whose header is `| code | meaning | reconnect? |`. */
function closeCodeRows(markdown: string): { code: number; reconnect: string }[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^\|\s*code\s*\|\s*meaning\s*\|\s*reconnect\?\s*\|/.test(l));
  if (start < 0) return [];
  const rows: { code: number; reconnect: string }[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    rows.push({ code: Number(cells[0]), reconnect: cells[2] });
  }
  return rows;
}

describe('the close codes in docs/protocol.md', () => {
  const rows = closeCodeRows(doc);

  it('lists every code of CLOSE once, and nothing else', () => {
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.map((r) => r.code).sort()).toEqual(Object.values(CLOSE).map(Number).sort());
  });

  it('says "no" to reconnecting for exactly the fatal codes', () => {
    const no = rows.filter((r) => /^no\b/.test(r.reconnect)).map((r) => r.code).sort();
    expect(no).toEqual([...FATAL_CLOSE_CODES].sort());
  });

  it('finds a code missing from the table (the check itself works)', () => {
    const without = doc.replace(/^\| 4431 \|.*\n/m, '');
    expect(closeCodeRows(without).map((r) => r.code)).not.toContain(CLOSE.tooManySockets);
  });
});
