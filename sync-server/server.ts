// The composition root: store → auth → docs/writer → sync → derive → http, on one port.
// main.ts (the CLI) and test/helpers/server.ts both start the server through startServer().
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { issueToken, type IssueOptions, type TokenKeys } from './core/auth';
import { DerivedLayers } from './features/derived-layers';
import { DocRegistry } from './core/registry';
import { Metrics } from './core/metrics';
import { hqRoutes } from './routes/hq';
import { deviceRoutes } from './routes/device';
import { startEvacuation, type Evacuation } from './features/evacuation/evacuation';
import { demoHazardLayers } from './features/evacuation/demo-hazards';
import { keyRoutes } from './routes/keys';
import { opsRoutes } from './routes/ops';
import { ChangeStream, publicRoutes } from './routes/public';
import type { Route } from './routes/router';
import { securityHeaders } from './routes/security-headers';
import { staticHandler } from './routes/static';
import { SerialQueue } from './core/serial';
import { ShelterLinks } from './features/shelter-reach';
import { PeerFeed } from './cluster/peer-feed';
import { Purger } from './features/purge';
import { keysFor, openStore } from './store/open-store';
import type { DocStore } from './store/types';
import { DEFAULT_SYNC_OPTIONS, SyncService, type SyncOptions } from './core/sync-service';
import { UpdateWriter } from './core/writer';
import { DEMO_REGION, seedDemo } from './features/demo';
import { basemapRoutes, describeBasemap } from './routes/basemap';
import { safetyRoutes } from './routes/safety';
import { DEMO_BASEMAP_FILE, ensureDemoBasemap } from './features/basemap/demo-basemap';

export interface ServerOptions {
  port: number;
  host?: string;
  dataDir: string;
  distDir: string;
  /**
   * A shared store (postgres://…) for running several instances; by default the SQLite file in
   * dataDir. With a shared store the data directory keeps only this instance's server.json.
   */
  storeUrl?: string;
  /** Seed the demo region when the store is empty. */
  demo: boolean;
  /** How long a document without clients stays loaded. */
  unloadGraceMs?: number;
  compactThreshold?: number;
  /** How long a document with no change stays hot (a Y.Doc) before only its encoded state is kept. */
  coolAfterMs?: number;
  /** Hold busy shelter documents encoded while only people are added (core/registry.ts); on by default. */
  encodeBusyShelters?: boolean;
  sync?: Partial<SyncOptions>;
  clock?: () => Date;
  /** Token keys; by default derived from the data directory's secret (a box passes verifying-only keys). */
  keys?: TokenKeys;
  /** Serve HTTPS / WSS with this certificate and key (PEM): a shelter box on the LAN. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * The city's basemap, a PMTiles archive served with range requests (routes/basemap.ts). Without
   * one, a server holding the demo region serves the demo's own basemap.
   */
  basemap?: string;
  /**
   * Purge closed shelters' rosters after HQ's retention period (purge.ts). A shelter box passes
   * false: it follows the city's purge instead (box/upstream-link.ts).
   */
  purge?: boolean;
  /**
   * Refuse staff and box tokens of shelters that are not in the registry (core/sync-service.ts). A shelter box
   * passes false: its registry copy may lag the city's, and the city refuses them anyway.
   */
  requireRegisteredShelters?: boolean;
  /** How often due purges are looked for (default hourly). */
  purgeCheckMs?: number;
  /**
   * The residents' side (hazard layers, push alerts, reports, SOS: evacuation/). A shelter box
   * passes false: residents reach the city, not a box.
   */
  evacuation?: boolean;
  /** HTTP timeouts (DEFAULT_HTTP_TIMEOUTS); tests shorten them. */
  httpTimeouts?: Partial<typeof DEFAULT_HTTP_TIMEOUTS>;
  /** More routes (a box adds its status). */
  routes?: (parts: { store: DocStore; sync: SyncService; registry: DocRegistry }) => Route[];
  log?: (line: string) => void;
}

/** How long a client may take to send its headers, its whole request, and between keep-alive requests. */
export const DEFAULT_HTTP_TIMEOUTS = { headersMs: 15_000, requestMs: 30_000, keepAliveMs: 5_000, checkEveryMs: 5_000 };

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  store: DocStore;
  metrics: Metrics;
  registry: DocRegistry;
  derived: DerivedLayers;
  sync: SyncService;
  writer: UpdateWriter;
  keys: TokenKeys;
  purger: Purger;
  /** The residents' side; null on a shelter box. */
  evacuation: Evacuation | null;
  issue(opts: IssueOptions): Promise<string>;
  stop(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  let seededDemo = false;
  const clock = opts.clock ?? (() => new Date());
  // A basemap that cannot be read is refused before anything starts, with the reason.
  if (opts.basemap) {
    await describeBasemap(opts.basemap).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`--basemap ${opts.basemap}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    });
  }
  const log = opts.log ?? ((l: string) => console.log(l));
  const dataDir = resolve(opts.dataDir);
  const store = await openStore({ dataDir, storeUrl: opts.storeUrl });
  const keys = opts.keys ?? (await keysFor(store, dataDir));
  const metrics = new Metrics();
  const queue = new SerialQueue();
  const registry = new DocRegistry(store, queue, metrics, {
    unloadGraceMs: opts.unloadGraceMs ?? 30_000,
    compactThreshold: opts.compactThreshold ?? 500,
    coolAfterMs: opts.coolAfterMs ?? 30_000,
    encodeBusyShelters: opts.encodeBusyShelters ?? true,
  });
  const writer = new UpdateWriter(store, registry, queue, metrics, clock);
  const sync = new SyncService({ keys, store, registry, writer, metrics, clock }, { ...DEFAULT_SYNC_OPTIONS, ...opts.sync });
  const derived = new DerivedLayers(registry, store, clock);
  const links = new ShelterLinks(clock);
  sync.hooks.push(links.hooks());

  if (opts.demo && store.feed) {
    // Two instances starting together on an empty database would both seed it.
    log('the demo region is not seeded into a shared store');
  } else if (opts.demo && (await store.listDocs()).length === 0) {
    const n = await seedDemo(store, clock());
    log(`seeded the demo region (${n} documents)`);
    if (opts.evacuation !== false) seededDemo = true;
  }
  await derived.start();
  if (opts.requireRegisteredShelters !== false) sync.isRegistered = (id) => derived.isRegistered(id);
  const basemap = opts.basemap ?? demoBasemapFor(derived, dataDir, opts.demo && !store.feed, log);
  const peers = new PeerFeed({ store, registry, derived, sync });
  await peers.start();
  const hqContext = { derived, store, keys, sync, clock, links };
  const evacuation = opts.evacuation === false ? null : await startEvacuation({ store, derived, registry, clock, log, hq: hqContext });
  if (evacuation && seededDemo) await evacuation.hazards.put(demoHazardLayers(clock()));
  const purger = new Purger({ registry, sync, writer, derived, store, clock, log, sos: evacuation?.sos, supportList: evacuation?.supportList });
  if (opts.purge !== false) purger.start(opts.purgeCheckMs);

  const changes = new ChangeStream(derived);
  const routes: Route[] = [
    ...publicRoutes({ derived, changes }),
    ...hqRoutes({ ...hqContext, sos: evacuation?.sos }),
    ...(evacuation?.routes() ?? []),
    ...safetyRoutes({ derived, store, keys, sync, clock, links, registry }),
    ...keyRoutes({ keys }),
    ...deviceRoutes(),
    ...basemapRoutes(basemap),
    ...(opts.routes?.({ store, sync, registry }) ?? []),
    ...opsRoutes({ store, metrics, clock, keys, metricsToken: process.env.HINANJO_METRICS_TOKEN }),
  ];
  const table = new Map(routes.filter((r) => !r.prefix).map((r) => [`${r.method} ${r.path}`, r.handler]));
  const prefixed = routes.filter((r) => r.prefix);
  const serveStatic = staticHandler(resolve(opts.distDir));
  const setSecurityHeaders = securityHeaders();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    setSecurityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const handler = table.get(`${method} ${url.pathname}`) ?? prefixed.find((r) => r.method === method && url.pathname.startsWith(r.path))?.handler;
    if (handler) {
      Promise.resolve(handler(req, res, url)).catch((e) => {
        console.error(`${req.method} ${url.pathname} failed: ${(e as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('internal error\n');
      });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"error":"not found"}');
      return;
    }
    serveStatic(req, res);
  };
  // A socket that sends nothing, or half a request, is closed: without these, idle and slow
  // sockets were kept for minutes (each a descriptor). Event streams and WebSockets are not
  // affected: the timeouts bound receiving a request, not answering it.
  const t = { ...DEFAULT_HTTP_TIMEOUTS, ...opts.httpTimeouts };
  const httpOptions = { headersTimeout: t.headersMs, requestTimeout: t.requestMs, keepAliveTimeout: t.keepAliveMs, connectionsCheckingInterval: t.checkEveryMs };
  const http: Server = opts.tls ? createHttpsServer({ ...opts.tls, ...httpOptions }, handle) : createServer(httpOptions, handle);
  http.on('upgrade', (req, socket, head) => {
    if (!sync.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(opts.port, opts.host ?? '0.0.0.0', () => ok());
  });
  const port = (http.address() as AddressInfo).port;

  let stopping: Promise<void> | null = null;
  return {
    url: `${opts.tls ? 'https' : 'http'}://localhost:${port}`,
    port,
    dataDir,
    store,
    metrics,
    registry,
    derived,
    sync,
    writer,
    keys,
    purger,
    evacuation,
    async issue(o) {
      const r = await issueToken(keys, store, o, clock());
      if (!r.ok) throw new Error(r.error);
      return r.value.token;
    },
    stop() {
      // Graceful: stop accepting, commit what was accepted, compact, close the database.
      stopping ??= (async () => {
        http.close();
        await purger.stop();
        evacuation?.stop();
        await sync.close();
        await writer.flush();
        await peers.stop();
        derived.stop();
        changes.stop();
        await registry.unloadAll();
        await derived.saveSummaries();
        http.closeAllConnections();
        await store.close();
        metrics.stop();
      })();
      return stopping;
    },
  };
}

/**
 * The demo region's basemap, for a server whose store holds the demo region (never for a real
 * city's data: its maps would show a made-up coast). Written once into the data directory.
 */
function demoBasemapFor(derived: DerivedLayers, dataDir: string, demo: boolean, log: (l: string) => void): string | undefined {
  if (!demo) return undefined;
  let region = '';
  try {
    region = (JSON.parse(derived.status().body.toString()) as { region?: string }).region ?? '';
  } catch {
    return undefined;
  }
  if (region !== DEMO_REGION) return undefined;
  try {
    return ensureDemoBasemap(join(dataDir, DEMO_BASEMAP_FILE));
  } catch (e) {
    log(`could not write the demo basemap: ${(e as Error).message}`);
    return undefined;
  }
}
