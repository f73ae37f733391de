// npm run box -- --upstream https://city.example --token T --port 8443 --data DIR [--cert F --key F] [--public-key F] [--host H] [--dist DIR] [--basemap FILE]
// Without --upstream the box runs alone and says so. Environment: HINANJO_BOX_TOKEN instead of --token.
import { readFileSync } from 'node:fs';
import { parseArgs } from './cli-args';
import { startBox } from './box/box';

const USAGE =
  'usage: npm run box -- --upstream URL --token T [--port 8443] [--data DIR] [--cert FILE --key FILE] [--public-key FILE] [--host H] [--dist DIR] [--basemap FILE.pmtiles]';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), {
      strings: ['upstream', 'token', 'port', 'data', 'cert', 'key', 'public-key', 'host', 'dist', 'basemap'],
      flags: ['help'],
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, flags } = args;
  if (flags.has('help')) {
    console.error(USAGE);
    return 0;
  }
  const token = values.get('token') ?? process.env.HINANJO_BOX_TOKEN;
  if (!token) {
    console.error(`--token is required (npm run token -- --role box --shelter ID, on the city's server)\n${USAGE}`);
    return 2;
  }
  const port = Number(values.get('port') ?? 8443);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number\n${USAGE}`);
    return 2;
  }
  const cert = values.get('cert');
  const key = values.get('key');
  if (Boolean(cert) !== Boolean(key)) {
    console.error(`--cert and --key go together\n${USAGE}`);
    return 2;
  }
  const upstream = values.get('upstream');
  if (upstream && !/^https?:\/\/[^/]+/.test(upstream)) {
    console.error(`--upstream must be the city server's address, like https://city.example (got "${upstream}")`);
    return 2;
  }
  const box = await startBox({
    upstream,
    token,
    port,
    host: values.get('host'),
    dataDir: values.get('data') ?? './box-data',
    distDir: values.get('dist') ?? './dist',
    tls: cert && key ? { cert: readFileSync(cert), key: readFileSync(key) } : undefined,
    publicKeyFile: values.get('public-key'),
    basemap: values.get('basemap'),
  });
  console.log(`Hinanjo shelter box listening on ${box.server.url} (shelter ${box.shelterId}, data in ${box.server.dataDir})`);
  let signals = 0;
  const shutdown = (sig: string) => {
    if (signals++ > 0) process.exit(1);
    console.log(`${sig}: shutting down`);
    box.stop().then(
      () => process.exit(0),
      (e) => {
        console.error(`shutdown failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e) => {
    console.error((e as Error).message);
    process.exit(1);
  },
);
