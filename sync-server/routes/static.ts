// The built PWA (vite build output). Hashed files under /assets/ never change, so they are
// cached for a year; everything else — the HTML of the three surfaces, sw.js, registerSW.js,
// the manifests — is revalidated on every load (no-cache + ETag), so a deploy is seen at once
// and the service worker decides what runs offline. Text files go out in the compressed form the
// browser accepts, made once at build time (scripts/precompress.ts): brotli, else gzip.
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

export function staticHandler(distDir: string): (req: IncomingMessage, res: ServerResponse) => void {
  if (!existsSync(distDir)) {
    console.warn(`no built app in ${distDir}: run "npx vite build" (npm start does it for you)`);
    return (_req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`The app is not built: run "npx vite build" (or npm start).\n`);
    };
  }
  const serve = sirv(distDir, {
    dev: false,
    etag: true,
    brotli: true,
    gzip: true,
    extensions: ['html'],
    setHeaders(res, pathname) {
      if (pathname.startsWith('/assets/')) {
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      } else {
        res.setHeader('Cache-Control', 'no-cache');
      }
      if (pathname.endsWith('.webmanifest')) res.setHeader('Content-Type', 'application/manifest+json');
      if (pathname === '/sw.js') res.setHeader('Service-Worker-Allowed', '/');
    },
  });
  return (req, res) =>
    serve(req, res, () => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end('Not found\n');
    });
}
