// node scripts/built.mjs <main|token-cli|box-cli|start-links> [args…] — runs one command of the
// built server (build/server/), building it first when the sources are newer (a development
// checkout). A production install without development dependencies runs what `npm run build`
// made, and says so when there is nothing built.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENTRIES, buildServer, outDir, serverBuildIsStale } from './build-server.mjs';

const [name, ...args] = process.argv.slice(2);
if (!ENTRIES.includes(name)) {
  console.error(`usage: node scripts/built.mjs <${ENTRIES.join('|')}> [args…]`);
  process.exit(2);
}
if (serverBuildIsStale()) {
  try {
    await buildServer();
  } catch (e) {
    console.error(`the server is not built, and could not be (${e.message}): run npm run build`);
    process.exit(1);
  }
}
const file = join(outDir, `${name}.mjs`);
process.setSourceMapsEnabled(true);
// The command reads its arguments from process.argv as if it had been started directly.
process.argv = [process.argv[0], file, ...args];
await import(pathToFileURL(file).href);
