// npm run box -- --upstream https://city.example --token-file F --port 8443 --data DIR [--cert F --key F] [--public-key F]
//                [--accept-new-city-key] [--allow-plain-http] [--host H] [--dist DIR] [--basemap FILE]
// Without --upstream the box runs alone and says so. The token: --token-file FILE or the
// environment's HINANJO_BOX_TOKEN keep it out of `ps`; --token T still works.
import { readFileSync } from 'node:fs';
import { parseArgs } from './args';
import { startBox, upstreamRefusal } from '../box/box';

const USAGE =
  'usage: npm run box -- --upstream URL (--token-file FILE | --token T | HINANJO_BOX_TOKEN=T) [--port 8443] [--data DIR] [--cert FILE --key FILE]\n' +
  '                      [--public-key FILE] [--accept-new-city-key] [--allow-plain-http] [--host H] [--dist DIR] [--basemap FILE.pmtiles]\n' +
  'Later flags win over earlier ones.';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), {
      strings: ['upstream', 'token', 'token-file', 'port', 'data', 'cert', 'key', 'public-key', 'host', 'dist', 'basemap'],
      flags: ['help', 'accept-new-city-key', 'allow-plain-http'],
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
  let token = values.get('token') ?? process.env.HINANJO_BOX_TOKEN?.trim();
  const tokenFile = values.get('token-file');
  if (tokenFile) {
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (e) {
      console.error(`--token-file ${tokenFile} cannot be read: ${(e as Error).message}`);
      return 2;
    }
  }
  if (!token) {
    console.error(`a token is required: --token-file FILE or HINANJO_BOX_TOKEN (npm run token -- --role box --shelter ID, on the city's server)\n${USAGE}`);
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
  const refusal = upstream ? upstreamRefusal(upstream, flags.has('allow-plain-http')) : null;
  if (refusal) {
    console.error(refusal);
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
    acceptNewCityKey: flags.has('accept-new-city-key'),
    allowPlainHttp: flags.has('allow-plain-http'),
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
