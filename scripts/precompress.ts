// Every text file of the build, compressed once at build time (brotli at its best quality, gzip
// at level 9), written beside it as FILE.br and FILE.gz; the server (sync-server/routes/static.ts,
// sirv) sends the form the browser accepts. A phone on a slow network downloads the resident's
// code a quarter of its size, and the server spends no CPU on it per request.
//
// Only the files of the bundle itself (hashed chunks, CSS, the HTML pages) are compressed: the
// service worker and its Workbox runtime are written after the bundle by vite-plugin-pwa, and a
// compressed copy made before that would be stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|mjs|css|html|json|svg|webmanifest|txt|xml|geojson)$/;
/** Below this a compressed copy saves less than its headers cost. */
const MIN_BYTES = 1_024;

export function precompressFile(path: string): { raw: number; br: number; gzip: number } {
  const raw = readFileSync(path);
  const br = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gz);
  return { raw: raw.length, br: br.length, gzip: gz.length };
}

export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'hinanjo-precompress',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle(_options, bundle) {
      let raw = 0;
      let br = 0;
      for (const fileName of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(fileName)) continue;
        const path = join(outDir, fileName);
        if (readFileSync(path).length < MIN_BYTES) continue;
        const r = precompressFile(path);
        raw += r.raw;
        br += r.br;
      }
      this.info(`precompressed ${(raw / 1024).toFixed(0)} kB of text to ${(br / 1024).toFixed(0)} kB (brotli), with gzip beside it`);
    },
  };
}
