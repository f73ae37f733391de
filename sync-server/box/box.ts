// The shelter box: the same server, run on a laptop or a small Linux box in the shelter. Its
// tablets sync with it over the shelter's Wi-Fi when the city cannot be reached, and it relays
// the shelter's document to the city (and hq down from it) whenever backhaul exists.
//
// It serves one shelter: staff tokens of that shelter write its document and read hq; nothing
// else opens (sync.ts `scope`). It verifies tokens with the city's public key (fetched from the
// city, kept in DATA/token-key.json) and holds nothing that can mint one. Its store is the same
// durable store as the server's (commit before forward, STORED to its tablets), so a kill -9
// loses nothing a tablet was told is saved in the box. Revocations are fetched from the city
// whenever it is reachable, and a revoked tablet is refused by the box from then on.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeJwt, type JWK } from 'jose';
import { keysFromPublicJwk, type TokenKeys } from '../auth';
import { HQ_DOC, shelterDocName, type DocRef } from '../../domain/schema';
import { startServer, type RunningServer } from '../server';
import { sendJson, type Route } from '../routes/router';
import { UpstreamLink, type LinkStatus } from './upstream-link';

export const TOKEN_KEY_FILE = 'token-key.json';
export const UPSTREAM_STATE_FILE = 'upstream.json';

export interface BoxOptions {
  /** The city server, http(s)://host[:port]; absent: the box runs alone. */
  upstream?: string;
  /** The box's token (`npm run token -- --role box --shelter ID`). */
  token: string;
  port: number;
  host?: string;
  dataDir: string;
  distDir: string;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** A JWK file with the city's public key, for a box that has never reached the city. */
  publicKeyFile?: string;
  /** The city's basemap (PMTiles), served to the shelter's tablets as the city serves it. */
  basemap?: string;
  revocationPollMs?: number;
  log?: (line: string) => void;
}

export interface RunningBox {
  server: RunningServer;
  shelterId: string;
  links: UpstreamLink[];
  status(): BoxStatus;
  /** Fetches revocations from the city now (tests; also done every revocationPollMs). */
  pollRevocations(): Promise<void>;
  stop(): Promise<void>;
}

export interface BoxStatus {
  box: true;
  shelterId: string;
  upstream: string | null;
  links: LinkStatus[];
}

export async function startBox(opts: BoxOptions): Promise<RunningBox> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const claims = readBoxClaims(opts.token);
  const shelterId = claims.shelter;
  const dataDir = resolve(opts.dataDir);
  const upstream = opts.upstream?.replace(/\/+$/, '') ?? null;
  const keys = await boxKeys(dataDir, upstream, opts.publicKeyFile, log);
  const shelterDoc = shelterDocName(shelterId);
  const scope = (doc: DocRef) => (doc.kind === 'hq' ? 'read' : doc.shelterId === shelterId ? 'write' : 'none') as 'read' | 'write' | 'none';

  let links: UpstreamLink[] = [];
  const status = (): BoxStatus => ({ box: true, shelterId, upstream, links: links.map((l) => l.status()) });
  const boxRoutes = (): Route[] => [
    {
      // Counts and states only: a tablet checks the address staff typed (CORS: the app's origin is the city).
      method: 'GET',
      path: '/api/box/status',
      handler: (_req, res) => sendJson(res, 200, status(), { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' }),
    },
    {
      // The preflight Chromium sends before a page from the city (a public origin) may fetch from a
      // box on the LAN (Private Network Access).
      method: 'OPTIONS',
      path: '/api/box/status',
      handler: (_req, res) => {
        res.writeHead(204, {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Methods': 'GET',
          'Access-Control-Allow-Private-Network': 'true',
          'Access-Control-Max-Age': '600',
        });
        res.end();
      },
    },
  ];
  const server = await startServer({
    port: opts.port,
    host: opts.host,
    dataDir,
    distDir: opts.distDir,
    demo: false,
    // The city purges; the box follows (upstream-link.ts)
    purge: false,
    keys,
    tls: opts.tls,
    sync: { scope },
    routes: boxRoutes,
    basemap: opts.basemap,
    log,
  });

  const saved = readUpstreamState(dataDir);
  const persist = () => {
    const state = Object.fromEntries(links.map((l) => [l.docName, l.persisted()]));
    try {
      writeFileSync(join(dataDir, UPSTREAM_STATE_FILE), JSON.stringify(state) + '\n', { mode: 0o600 });
    } catch (e) {
      log(`could not save the upstream state: ${(e as Error).message}`);
    }
  };
  let persistTimer: NodeJS.Timeout | null = null;
  const persistSoon = () => {
    persistTimer ??= setTimeout(() => {
      persistTimer = null;
      persist();
    }, 500);
  };

  const pollRevocations = async () => {
    if (!upstream) return;
    try {
      const res = await fetch(`${upstream}/api/box/revocations`, {
        headers: { Authorization: `Bearer ${opts.token}` },
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) return;
      const body = (await res.json()) as { revoked?: unknown };
      const revoked = Array.isArray(body.revoked) ? body.revoked.filter((j): j is string => typeof j === 'string') : [];
      const known = await server.store.revokedJtis();
      for (const jti of revoked) {
        if (known.has(jti)) continue;
        await server.store.revoke(jti, new Date());
        const closed = server.sync.closeToken(jti);
        log(`revocation from the city: ${jti}${closed ? ` (${closed} connection(s) closed)` : ''}`);
      }
    } catch {
      // the city is unreachable: the next poll tries again
    }
  };
  let pollTimer: NodeJS.Timeout | null = null;

  if (upstream) {
    const upstreamWs = `${upstream.replace(/^http/, 'ws')}/sync`;
    const common = { upstreamWs, token: opts.token, registry: server.registry, writer: server.writer, sync: server.sync, log };
    links = [
      new UpstreamLink(shelterDoc, { ...common, mode: 'write', restored: restore(saved[shelterDoc]) }),
      new UpstreamLink(HQ_DOC, { ...common, mode: 'read', restored: restore(saved[HQ_DOC]) }),
    ];
    for (const l of links) {
      l.onStatus((s) => {
        persistSoon();
        if (s.state === 'connected') void pollRevocations();
      });
      await l.start();
    }
    pollTimer = setInterval(() => void pollRevocations(), opts.revocationPollMs ?? 30_000);
    pollTimer.unref();
    log(`shelter box for ${shelterId}: relaying to ${upstream}`);
  } else {
    log(`shelter box for ${shelterId}: running alone (no --upstream). Tablets sync with each other through this box; nothing reaches the city until it is started with --upstream.`);
  }

  return {
    server,
    shelterId,
    links,
    status,
    pollRevocations,
    async stop() {
      if (pollTimer) clearInterval(pollTimer);
      if (persistTimer) clearTimeout(persistTimer);
      for (const l of links) l.stop();
      persist();
      await server.stop();
    },
  };
}

function readBoxClaims(token: string): { shelter: string } {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new Error('--token is not a token (print one with: npm run token -- --role box --shelter ID)');
  }
  if (claims.role !== 'box' || typeof claims.shelter !== 'string') {
    throw new Error(`--token is a ${String(claims.role)} token, not a box token (npm run token -- --role box --shelter ID)`);
  }
  return { shelter: claims.shelter };
}

/** The city's public key: fresh from the city when reachable (and kept), else the kept one, else --public-key. */
async function boxKeys(dataDir: string, upstream: string | null, publicKeyFile: string | undefined, log: (l: string) => void): Promise<TokenKeys> {
  const keep = join(dataDir, TOKEN_KEY_FILE);
  if (upstream) {
    try {
      const res = await fetch(`${upstream}/api/public/token-key`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) {
        const { keys } = (await res.json()) as { keys: JWK[] };
        const k = keysFromPublicJwk(keys[0]);
        writeFileSync(keep, JSON.stringify(keys[0]) + '\n', { mode: 0o600 });
        return k;
      }
    } catch {
      log(`the city (${upstream}) is not reachable now: using the key kept from an earlier start`);
    }
  }
  for (const file of [keep, publicKeyFile]) {
    if (!file) continue;
    try {
      const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK & { keys?: JWK[] };
      return keysFromPublicJwk(jwk.keys?.[0] ?? jwk);
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'this box has no public key to check tablets\' tokens: start it once where the city is reachable (--upstream), or pass --public-key FILE (the JSON of the city\'s /api/public/token-key)',
  );
}

type SavedState = Record<string, { cityStateVector?: number[]; lastConfirmedAt?: string | null }>;

function readUpstreamState(dataDir: string): SavedState {
  try {
    return JSON.parse(readFileSync(join(dataDir, UPSTREAM_STATE_FILE), 'utf8')) as SavedState;
  } catch {
    return {};
  }
}

function restore(s: SavedState[string] | undefined) {
  return s ? { cityStateVector: s.cityStateVector ? new Uint8Array(s.cityStateVector) : undefined, lastConfirmedAt: s.lastConfirmedAt ?? null } : undefined;
}
