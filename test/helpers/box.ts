// Starts a shelter box for tests: in-process (startTestBox) or as a child process that a test may
// kill -9 (spawnBoxProcess), on an ephemeral or given port, with a temporary data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { startBox, type BoxOptions, type RunningBox } from '../../sync-server/box/box';
import { ROOT, tempDataDir } from './server';

export interface TestBox {
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  /** The box token it runs with (to start it again on the same data). */
  token: string;
  box: RunningBox;
  stop(): Promise<void>;
}

export async function startTestBox(opts: Partial<BoxOptions> & { token: string }): Promise<TestBox> {
  const dataDir = opts.dataDir ?? tempDataDir('hinanjo-box-');
  const box = await startBox({
    port: 0,
    host: '127.0.0.1',
    distDir: resolve(ROOT, 'dist'),
    log: () => undefined,
    ...opts,
    dataDir,
  });
  const port = box.server.port;
  return { url: box.server.url, wsUrl: `ws://localhost:${port}/sync`, port, dataDir, token: opts.token, box, stop: () => box.stop() };
}

export interface BoxProcess {
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `npm run box` in a child process. */
export async function spawnBoxProcess(opts: { upstream?: string; token: string; dataDir?: string; port?: number }): Promise<BoxProcess> {
  const dataDir = opts.dataDir ?? tempDataDir('hinanjo-box-');
  // The token through the environment, as an operator keeps it out of `ps`.
  const args = ['--import', 'tsx', resolve(ROOT, 'sync-server/cli/box.ts'), '--port', String(opts.port ?? 0), '--host', '127.0.0.1', '--data', dataDir, '--dist', resolve(ROOT, 'dist')];
  if (opts.upstream) args.push('--upstream', opts.upstream);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HINANJO_BOX_TOKEN: opts.token } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const port = await new Promise<number>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`box did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on https?:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        ok(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(t);
      fail(new Error(`box exited:\n${out}`));
    });
  });
  return {
    url: `http://localhost:${port}`,
    wsUrl: `ws://localhost:${port}/sync`,
    port,
    dataDir,
    child,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls the box's status until `pred` holds. */
export async function waitForBox(url: string, pred: (s: { links: { doc: string; state: string; unconfirmedFrames: number }[] }) => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < until) {
    try {
      last = await (await fetch(`${url}/api/box/status`)).json();
      if (pred(last as never)) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the box did not reach the expected state: ${JSON.stringify(last)}`);
}
