// The server, the token CLI and the shelter box as plain JavaScript (build/server/*.mjs), so
// production runs `node`, not the tsx loader (a development dependency). esbuild bundles our
// TypeScript (sync-server/ and domain/) and leaves every package in node_modules as an import:
// better-sqlite3's native addon and pg load the ordinary way. Called by `npm run build`, and by
// scripts/built.mjs when the bundle is older than the sources.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const outDir = join(root, 'build', 'server');
/** What runs from the command line: npm run server / token / box, and npm start's links, by name, with their sources in sync-server/cli/. */
const SOURCES = { main: 'main.ts', 'token-cli': 'token.ts', 'box-cli': 'box.ts', 'start-links': 'enrol-links.ts' };
export const ENTRIES = Object.keys(SOURCES);
const STAMP = join(outDir, '.built');

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
  return m;
}

export function serverBuildIsStale() {
  if (!existsSync(STAMP)) return true;
  const sources = Math.max(...['sync-server', 'domain', 'package.json'].map((p) => newest(join(root, p))));
  return statSync(STAMP).mtimeMs < sources;
}

export async function buildServer() {
  const { build } = await import('esbuild');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, join(root, 'sync-server', 'cli', SOURCES[e])])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  // The store's writer thread is loaded by URL next to the code that starts it.
  copyFileSync(join(root, 'sync-server/store/sqlite-writer.mjs'), join(outDir, 'sqlite-writer.mjs'));
  writeFileSync(STAMP, new Date().toISOString());
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildServer();
  console.log(`server built into ${outDir}`);
}
