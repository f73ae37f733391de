// Starts the real server for tests: in-process on an ephemeral port (startTestServer), or as a
// child process that a test may kill -9 (spawnServerProcess). Both use a fresh temporary data
// directory unless one is given.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { issueToken } from '../../sync-server/core/auth';
import { keysFor, openStore } from '../../sync-server/store/open-store';
import { startServer, type RunningServer, type ServerOptions } from '../../sync-server/server';
import type { Role } from '../../domain/tokens';
import { registerShelter } from './seed';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface TokenRequest {
  role: Role;
  shelter?: string;
  ttlSeconds?: number;
  device?: string;
}

export interface TestServer {
  url: string;
  /** ws://localhost:PORT/sync — the serverUrl for a sync socket and YClient. */
  wsUrl: string;
  port: number;
  dataDir: string;
  token(req: TokenRequest): Promise<string>;
  stop(): Promise<void>;
  /** The running server's parts (store, metrics, derived layers…) for assertions. */
  server: RunningServer;
}

export function tempDataDir(prefix = 'hinanjo-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestServer(
  opts: { dataDir?: string; demo?: boolean; distDir?: string; port?: number; storeUrl?: string; basemap?: string } & Partial<
    Pick<ServerOptions, 'unloadGraceMs' | 'compactThreshold' | 'coolAfterMs' | 'sync' | 'clock' | 'purge' | 'httpTimeouts'>
  > = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const server = await startServer({
    port: opts.port ?? 0,
    host: '127.0.0.1',
    dataDir,
    distDir: resolve(ROOT, opts.distDir ?? 'dist'),
    demo: opts.demo ?? false,
    storeUrl: opts.storeUrl,
    basemap: opts.basemap,
    unloadGraceMs: opts.unloadGraceMs ?? 1_000,
    compactThreshold: opts.compactThreshold,
    coolAfterMs: opts.coolAfterMs,
    sync: opts.sync,
    clock: opts.clock,
    purge: opts.purge,
    httpTimeouts: opts.httpTimeouts,
    log: () => undefined,
  });
  const wsUrl = `ws://localhost:${server.port}/sync`;
  const registered = new Set<string>();
  return {
    url: server.url,
    wsUrl,
    port: server.port,
    dataDir,
    server,
    // As HQ does before it enrols a device (and `npm run token` insists): a shelter token is for a
    // registered shelter, so the shelter is registered first when it is not yet.
    token: async (req) => {
      if (req.shelter && !registered.has(req.shelter) && !server.derived.isRegistered(req.shelter)) {
        registered.add(req.shelter);
        await registerShelter({ wsUrl, token: (r) => server.issue(r) }, req.shelter);
      }
      return server.issue(req);
    },
    stop: () => server.stop(),
  };
}

export interface ServerProcess {
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  token(req: TokenRequest): Promise<string>;
  /** Kills the process with a signal and waits until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `sync-server/cli/main.ts` in a child process (for crash and restart tests); with `built`, the
 * production bundle `build/server/main.mjs` under plain node (scripts/build-server.mjs).
 */
export async function spawnServerProcess(
  opts: { dataDir?: string; port?: number; demo?: boolean; distDir?: string; storeUrl?: string; built?: boolean } = {},
): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const args = [
    ...(opts.built ? [resolve(ROOT, 'build/server/main.mjs')] : ['--import', 'tsx', resolve(ROOT, 'sync-server/cli/main.ts')]),
    '--port',
    String(opts.port ?? 0),
    '--host',
    '127.0.0.1',
    '--data',
    dataDir,
    '--dist',
    resolve(ROOT, opts.distDir ?? 'dist'),
  ];
  if (!opts.demo) args.push('--no-demo');
  if (opts.storeUrl) args.push('--store', opts.storeUrl);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(t);
      reject(new Error(`server exited:\n${out}`));
    });
  });
  const registered = new Set<string>();
  return {
    url: `http://localhost:${port}`,
    wsUrl: `ws://localhost:${port}/sync`,
    port,
    dataDir,
    child,
    output: () => out,
    token: async (req) => {
      // Registered first, as HQ does before enrolling a device (see startTestServer).
      if (req.shelter && !registered.has(req.shelter)) {
        registered.add(req.shelter);
        await registerShelter({ wsUrl: `ws://localhost:${port}/sync`, token: (r) => issueTokenFor(dataDir, r, opts.storeUrl) }, req.shelter);
      }
      return issueTokenFor(dataDir, req, opts.storeUrl);
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Issues a token for a data directory, as `npm run token` does. */
export async function issueTokenFor(dataDir: string, req: TokenRequest, storeUrl?: string): Promise<string> {
  const store = await openStore({ dataDir, storeUrl });
  try {
    const r = await issueToken(await keysFor(store, dataDir), store, req);
    if (!r.ok) throw new Error(r.error);
    return r.value.token;
  } finally {
    await store.close();
  }
}
