// npm run server -- [--port P] [--data DIR] [--dist DIR] [--no-demo] [--store postgres://…]
// Environment: PORT, HINANJO_DATA, HINANJO_DIST, HINANJO_SECRET, DATABASE_URL (= --store).
// With --store, several instances run on one PostgreSQL (README: running several instances). SIGTERM/SIGINT shut down
// gracefully: no new connections, everything accepted is committed, the database is closed.
import { LEGACY_HS256_UNTIL } from '../core/auth';
import { parseArgs } from './args';
import { storeUrlFrom } from '../store/open-store';
import { startServer } from '../server';
import { redact } from '../store/postgres';
import { removeServerInfo, writeServerInfo } from './server-info';

async function main(): Promise<void> {
  const usage = 'usage: npm run server -- [--port P] [--data DIR] [--dist DIR] [--host H] [--no-demo] [--store postgres://…] [--basemap FILE.pmtiles]';
  let args;
  try {
    args = parseArgs(process.argv.slice(2), { strings: ['port', 'data', 'dist', 'host', 'store', 'basemap'], flags: ['no-demo'] });
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
  const { values, flags } = args;
  const port = Number(values.get('port') ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, not "${values.get('port') ?? process.env.PORT}"`);
    process.exit(2);
  }
  const storeUrl = storeUrlFrom(values.get('store'));
  const server = await startServer({
    port,
    storeUrl,
    host: values.get('host'),
    dataDir: values.get('data') ?? process.env.HINANJO_DATA ?? './data',
    distDir: values.get('dist') ?? process.env.HINANJO_DIST ?? './dist',
    demo: !flags.has('no-demo'),
    basemap: values.get('basemap'),
  });
  writeServerInfo(server.dataDir, { url: server.url, port: server.port, pid: process.pid });
  console.log(`Hinanjo listening on ${server.url} (${storeUrl ? `store ${redact(storeUrl)}` : `data in ${server.dataDir}`})`);
  if (Date.now() < LEGACY_HS256_UNTIL.getTime()) {
    console.log(`tokens signed with the old shared secret (HS256) are accepted until ${LEGACY_HS256_UNTIL.toISOString()}, for at most 30 days from their issue`);
  }
  let signals = 0;
  const shutdown = (sig: string) => {
    if (signals++ > 0) process.exit(1); // a second signal: stop waiting
    console.log(`${sig}: shutting down`);
    removeServerInfo(server.dataDir);
    server.stop().then(
      () => process.exit(0),
      (e) => {
        console.error(`shutdown failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
