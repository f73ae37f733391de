// Production runs the server as built JavaScript under plain node (no tsx): the bundle starts,
// its token command signs tokens it accepts, it stores durably and survives kill -9.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnServerProcess, tempDataDir, type ServerProcess } from '../helpers/server';
import { YClient } from '../helpers/yclient';

const run = promisify(execFile);
const BUILT = join(ROOT, 'build/server');
let server: ServerProcess | null = null;

beforeAll(async () => {
  // The same step as npm run build's second half; quick (esbuild), and the test never runs stale code.
  await run(process.execPath, [join(ROOT, 'scripts/build-server.mjs')], { cwd: ROOT });
});

afterAll(async () => {
  await server?.kill();
});

describe('the built server', () => {
  it('runs under plain node, accepts the tokens its token command signs, and keeps what it stored across kill -9', async () => {
    const dataDir = tempDataDir();
    server = await spawnServerProcess({ dataDir, built: true });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const { stdout } = await run(process.execPath, [join(BUILT, 'token-cli.mjs'), '--data', dataDir, '--role', 'hq'], { cwd: ROOT });
    const token = stdout.split('\n')[0];
    expect(token).toMatch(/^ey/);

    const a = await YClient.connect({ wsUrl: server.wsUrl, docName: 'hq', token });
    a.doc.getMap('meta').set('region', 'built');
    await a.whenStored();
    await a.destroy();
    await server.kill('SIGKILL');

    server = await spawnServerProcess({ dataDir, built: true });
    const b = await YClient.connect({ wsUrl: server.wsUrl, docName: 'hq', token });
    await b.whenSynced();
    expect(b.doc.getMap('meta').get('region')).toBe('built');
    await b.destroy();
  });

  it('refuses an unknown option by name, without starting', async () => {
    const r = await run(process.execPath, [join(BUILT, 'main.mjs'), '--prot', '8080'], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in r && r.code).toBe(2);
    expect(r.stderr).toMatch(/prot/);
  });
});
