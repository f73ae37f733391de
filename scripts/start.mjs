// npm start: builds the PWA and the server when missing or older than the sources, then runs the
// server on PORT (8080) with ./data (a new store gets the demo region) and prints two links a
// newcomer can click: HQ, and the staff tablet of the first demo shelter.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer, serverBuildIsStale } from './build-server.mjs';
import { SERVER_NODE_ARGS } from './server-node-args.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.PORT ?? '8080';
const data = process.env.HINANJO_DATA ?? join(root, 'data');
const dist = process.env.HINANJO_DIST ?? join(root, 'dist');
const base = process.env.HINANJO_BASE_URL ?? `http://localhost:${port}`;
const FIRST_DEMO_SHELTER = 'demo-01';

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) if (e !== 'node_modules') m = Math.max(m, newest(join(path, e)));
  return m;
}

const sources = ['web', 'public', 'domain', 'vite.config.ts', 'package.json'].map((p) => newest(join(root, p)));
const built = existsSync(join(dist, 'index.html')) ? statSync(join(dist, 'index.html')).mtimeMs : 0;
if (built < Math.max(...sources)) {
  console.log('building the app (npx vite build)…');
  const r = spawnSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The server runs as built JavaScript (scripts/build-server.mjs); built here, before the server
// and the link maker could both find it stale.
if (serverBuildIsStale()) {
  console.log('building the server…');
  await buildServer();
}

// The links are made once the server listens (the demo shelters exist then), and reused across
// restarts while valid (sync-server/cli/enrol-links.ts): no new 7-day token on every start.
function links() {
  const r = spawnSync(
    process.execPath,
    [join(root, 'scripts/built.mjs'), 'start-links', '--data', data, '--base', base, '--shelter', FIRST_DEMO_SHELTER],
    { cwd: root, encoding: 'utf8' },
  );
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    return ['(could not make a link: see above)', '(could not make a link)'];
  }
  return r.stdout.trim().split('\n');
}

const server = spawn(
  process.execPath,
  [...SERVER_NODE_ARGS, join(root, 'scripts/built.mjs'), 'main', '--port', port, '--data', data, '--dist', dist, ...process.argv.slice(2)],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
server.stdout.on('data', (d) => {
  process.stdout.write(d);
  if (/listening on/.test(String(d))) {
    const [hqLink, staffLink, shelter] = links();
    console.log(`
  Resident page:  ${base}/
  HQ (wall map):  ${hqLink}
  Shelter tablet: ${staffLink}${shelter ? `   (shelter ${shelter})` : ''}
  More tokens:    npm run token -- --role staff --shelter <id>
`);
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));
