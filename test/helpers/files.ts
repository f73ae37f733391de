// Byte searches of a data directory: where a purge or a wipe promises that a name is gone.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` in which `needle` occurs as UTF-8 bytes. */
export function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesContaining(path, needle));
    else if (readFileSync(path).includes(bytes)) out.push(path);
  }
  return out;
}
