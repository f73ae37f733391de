// A real PostgreSQL server for tests and benchmarks: Debian's `postgresql` package, a fresh
// cluster (initdb) in a temporary directory, started with pg_ctl on a free loopback port with
// its socket in that directory. initdb refuses to run as root, so as root the cluster belongs
// to the `postgres` user and the commands run through `runuser`. No mock: the store under test
// talks to the same server a city would run.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  port: number;
  /** A connection URL for database `db` (created by createDatabase). */
  url(db?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server immediately (no checkpoint: like a crash) and starts it again on the same port. */
  restart(opts?: { downMs?: number }): Promise<void>;
  stopServer(mode?: 'immediate' | 'fast'): void;
  startServer(): void;
  stop(): Promise<void>;
}

/** The directory with initdb and pg_ctl: the newest /usr/lib/postgresql/N/bin, else PATH. */
export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return found ? found.replace(/\/pg_ctl$/, '') : null;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

let databases = 0;

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (.ci/run does it)');
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'hinanjo-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const run = (cmd: string, args: string[]) => {
    const full = root ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
    try {
      return execFileSync(full[0], full[1], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${cmd} failed: ${err.stderr || err.stdout || err.message}`);
    }
  };
  run('initdb', ['-D', data, '-U', 'hinanjo', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  // Real durability settings (fsync and synchronous_commit on, the defaults); small for tests.
  appendFileSync(
    join(data, 'postgresql.conf'),
    ['', 'shared_buffers = 32MB', 'max_connections = 200', 'max_wal_size = 256MB', 'log_min_messages = warning'].join('\n') + '\n',
  );
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const stopServer = (mode: 'immediate' | 'fast' = 'fast') => {
    run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  };
  start();
  const url = (db = 'postgres') => `postgres://hinanjo@127.0.0.1:${port}/${db}`;
  return {
    port,
    url,
    async createDatabase(name = `hinanjo_${process.pid}_${++databases}`) {
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    async restart({ downMs = 0 } = {}) {
      stopServer('immediate');
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      start();
    },
    stopServer,
    startServer: start,
    async stop() {
      try {
        stopServer('immediate');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
