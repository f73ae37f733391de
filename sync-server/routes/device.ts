// POST /api/device/erase: answered with `Clear-Site-Data: "storage"`, so the browser itself erases
// this origin's storage (IndexedDB, localStorage, caches, service workers) and removes its files.
// Deleting a database from script leaves its bytes in LevelDB files until a compaction that may
// never come; a tablet that was revoked, or whose roster was purged, asks for this instead
// (web/lib/sync/site-erase.ts). It erases only the caller's own storage, so it needs no token; a
// custom header makes a cross-site form or script unable to send it (it would need a CORS
// preflight, which this server never grants), so another site cannot wipe a tablet's unsent work.
import type { Route } from './router';

export const ERASE_HEADER = 'x-hinanjo-erase';

export function deviceRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/device/erase',
      handler: (req, res) => {
        const site = req.headers['sec-fetch-site'];
        if (req.headers[ERASE_HEADER] !== 'storage' || (site !== undefined && site !== 'same-origin')) {
          res.writeHead(400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
          res.end(JSON.stringify({ error: 'erase-refused' }));
          return;
        }
        res.writeHead(204, { 'Clear-Site-Data': '"storage"', 'Cache-Control': 'no-store' });
        res.end();
      },
    },
  ];
}
