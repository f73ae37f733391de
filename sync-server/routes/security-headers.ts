// Headers on every response of the one server: the app's pages, its files and the API.
// The Content-Security-Policy is the second wall behind "names are text" (web/lib/map/
// text-tooltip.ts): only the app's own scripts run, pages cannot be framed (clickjacking of HQ's
// level buttons), and map tiles may come from the deployment's tile server.
import type { ServerResponse } from 'node:http';

/** 地理院タイル, the default basemap (web/lib/map/tiles.ts). */
export const DEFAULT_TILE_ORIGINS = ['https://cyberjapandata.gsi.go.jp'];

/**
 * Tile origins allowed as images: HINANJO_TILE_ORIGINS (space-separated) when a deployment
 * builds with its own VITE_HINANJO_TILE_URL, else the origin of that URL, else GSI.
 */
export function tileOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = env.HINANJO_TILE_ORIGINS?.split(/\s+/).filter(Boolean);
  if (listed && listed.length > 0) return listed;
  const url = env.VITE_HINANJO_TILE_URL;
  if (url) {
    try {
      return [new URL(url.replace(/[{}]/g, '')).origin];
    } catch {
      // not a URL: keep the default
    }
  }
  return DEFAULT_TILE_ORIGINS;
}

export function contentSecurityPolicy(tiles: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Leaflet and Preact set element.style (CSSOM, not governed by CSP); a few libraries still
    // write style attributes, which carry no script.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${tiles.join(' ')}`.trim(),
    // A shelter box is another origin on the LAN (wss:, with its own hostname and certificate);
    // ws: on loopback only, for a box on the same machine (development, tests).
    "connect-src 'self' wss: ws://localhost:* ws://127.0.0.1:* http://localhost:* http://127.0.0.1:* https:",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(tiles: readonly string[] = tileOrigins()): (res: ServerResponse) => void {
  const csp = contentSecurityPolicy(tiles);
  return (res) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
  };
}
