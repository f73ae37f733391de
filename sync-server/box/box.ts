// The shelter box: the same server, run on a laptop or a small Linux box in the shelter. Its
// tablets sync with it over the shelter's Wi-Fi when the city cannot be reached, and it relays
// the shelter's document to the city (and hq down from it) whenever backhaul exists.
//
// It serves one shelter: staff tokens of that shelter write its document and read hq; nothing
// else opens (core/sync-service.ts `scope`). It verifies tokens with the city's public key (fetched from the
// city, kept in DATA/token-key.json) and holds nothing that can mint one. Its store is the same
// durable store as the server's (commit before forward, STORED to its tablets), so a kill -9
// loses nothing a tablet was told is saved in the box. Revocations are fetched from the city
// whenever it is reachable, and a revoked tablet is refused by the box from then on.
//
// The city's key is pinned on first use: a box that trusted whatever its upstream served at each
// start would accept tokens signed by anyone who could answer as the city for one start (plain
// http, a spoofed DNS name). A changed key is refused with the way out named (key rotation:
// docs/box.md); a plain-http upstream is refused unless it is loopback or the operator says so.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeJwt, type JWK } from 'jose';
import { keysFromPublicJwk, type TokenKeys } from '../core/auth';
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
  /**
   * A JWK file with the city's public key: for a box that has never reached the city, and to
   * rotate the pinned key (the file's key replaces it).
   */
  publicKeyFile?: string;
  /** Re-pin to whatever key the city serves now (after a rotation announced by the city). */
  acceptNewCityKey?: boolean;
  /** Allow a plain-http upstream that is not loopback (a test network the operator controls). */
  allowPlainHttp?: boolean;
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
  // A first start on a directory that does not exist yet (the README's example) creates it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const upstream = opts.upstream?.replace(/\/+$/, '') ?? null;
  if (upstream) {
    const refusal = upstreamRefusal(upstream, opts.allowPlainHttp ?? false);
    if (refusal) throw new Error(refusal);
  }
  const keys = await boxKeys(dataDir, upstream, opts, log);
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
    requireRegisteredShelters: false,
    evacuation: false,
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

/** Why an upstream address is refused, or null: plain http only to loopback unless allowed. */
export function upstreamRefusal(upstream: string, allowPlainHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    return `--upstream must be the city server's address, like https://city.example (got "${upstream}")`;
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return `--upstream must be an https:// address (got "${upstream}")`;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1' || /^127\./.test(host) || allowPlainHttp) return null;
  return `--upstream ${upstream} is plain http: anyone on the way could pose as the city. Use https://, or pass --allow-plain-http on a network you control`;
}

function readJwk(text: string): JWK {
  const jwk = JSON.parse(text) as JWK & { keys?: JWK[] };
  return jwk.keys?.[0] ?? jwk;
}

/** A key's identity for comparison (its public parts; key ids and other members aside). */
function sameKey(a: JWK, b: JWK): boolean {
  return a.kty === b.kty && a.crv === b.crv && a.x === b.x && a.y === b.y && a.n === b.n && a.e === b.e;
}

/**
 * The city's public key, pinned on first use in DATA/token-key.json. First start: --public-key
 * FILE, else what the city serves. Later starts: the pinned key; a city that now serves another
 * key is refused (start fails) unless the operator passes the new key (--public-key FILE) or
 * --accept-new-city-key.
 */
async function boxKeys(
  dataDir: string,
  upstream: string | null,
  opts: Pick<BoxOptions, 'publicKeyFile' | 'acceptNewCityKey'>,
  log: (l: string) => void,
): Promise<TokenKeys> {
  const keep = join(dataDir, TOKEN_KEY_FILE);
  const pin = (jwk: JWK, why: string): TokenKeys => {
    const k = keysFromPublicJwk(jwk);
    writeFileSync(keep, JSON.stringify(jwk) + '\n', { mode: 0o600 });
    log(why);
    return k;
  };
  let pinned: JWK | null = null;
  try {
    pinned = readJwk(readFileSync(keep, 'utf8'));
  } catch {
    pinned = null;
  }
  let given: JWK | null = null;
  if (opts.publicKeyFile) {
    try {
      given = readJwk(readFileSync(opts.publicKeyFile, 'utf8'));
      keysFromPublicJwk(given);
    } catch (e) {
      throw new Error(`--public-key ${opts.publicKeyFile} is not a readable public key (the JSON of the city's /api/public/token-key): ${(e as Error).message}`);
    }
  }
  let served: JWK | null = null;
  if (upstream) {
    try {
      const res = await fetch(`${upstream}/api/public/token-key`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) served = readJwk(await res.text());
    } catch {
      served = null;
    }
    if (!served) log(`the city (${upstream}) is not reachable now: using the key ${pinned ? 'pinned at an earlier start' : 'given with --public-key'}`);
  }
  // The operator's file is the authority: it pins a first key or rotates the pinned one.
  if (given) {
    if (served && !sameKey(served, given)) log(`warning: the city (${upstream}) serves another key than --public-key; tokens are checked with the file's key`);
    if (pinned && sameKey(pinned, given)) return keysFromPublicJwk(pinned);
    return pin(given, pinned ? `the city's key was replaced by the one in ${opts.publicKeyFile} (rotation)` : `the city's key from ${opts.publicKeyFile} is pinned in ${keep}`);
  }
  if (pinned) {
    if (served && !sameKey(served, pinned)) {
      if (opts.acceptNewCityKey) return pin(served, `the city's new key is pinned (--accept-new-city-key)`);
      throw new Error(
        `the city (${upstream}) now serves a different token key than the one this box pinned at its first start (${keep}). ` +
          'If the city rotated its key, start the box with --public-key FILE (the new key, obtained from the city out of band) or --accept-new-city-key; ' +
          'otherwise something is posing as the city: do not connect this box.',
      );
    }
    return keysFromPublicJwk(pinned);
  }
  if (served) return pin(served, `the city's key is pinned in ${keep} (first start)`);
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
