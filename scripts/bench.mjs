// npm run bench: runs every bench/*.bench.ts in turn; each prints its results as JSON lines
// on stdout ({"bench": "...", "metric": "...", "value": n, "unit": "...", ...}).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const files = readdirSync(resolve(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(root, 'bench', f)], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) {
    failed++;
    console.log(JSON.stringify({ bench: f, error: `exited with ${r.status}` }));
  }
}
process.exit(failed ? 1 : 0);
