// Byte searches of a data directory: where a purge or a wipe promises that a name is gone.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` in which `needle` occurs as UTF-8 bytes. */
export function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path); // a browser profile holds symlinks (SingletonCookie…): not data
    if (stat.isDirectory()) out.push(...filesContaining(path, needle));
    else if (stat.isFile() && readFileSync(path).includes(bytes)) out.push(path);
  }
  return out;
}
