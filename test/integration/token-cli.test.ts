// npm run token: prints a token and its enrolment link, keeps the secret owner-only, revokes.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { CLOSE } from '../../domain/protocol';
import { ROOT, spawnServerProcess, startTestServer, tempDataDir } from '../helpers/server';
import { openSqliteStore } from '../../sync-server/store/sqlite';
import { seedDemo } from '../../sync-server/features/demo';
import { startLinks } from '../../sync-server/cli/enrol-links';

/** A data directory whose registry holds the demo shelters (demo-01 …), as after a first `npm start`. */
async function demoDataDir(): Promise<string> {
  const dir = tempDataDir();
  const store = openSqliteStore(dir);
  await seedDemo(store, new Date());
  await store.close();
  return dir;
}
import { YClient } from '../helpers/yclient';

const run = promisify(execFile);

async function tokenCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'sync-server/cli/token.ts'), ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run token', () => {
  it('prints a staff token and its /shelter/ enrolment link, and the server accepts the token for that shelter', async () => {
    const dir = await demoDataDir();
    const r = await tokenCli(['--role', 'staff', '--shelter', 'demo-01', '--ttl', '2d', '--device', 'tablet 1', '--data', dir, '--base', 'http://192.168.1.10:8080']);
    expect(r.code).toBe(0);
    const [token, link, ...rest] = r.stdout.trim().split('\n');
    expect(rest).toEqual([]);
    expect(link).toBe(`http://192.168.1.10:8080/shelter/?token=${token}`);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ role: 'staff', shelter: 'demo-01', device: 'tablet 1' });
    expect(claims.exp! - claims.iat!).toBe(2 * 86400);
    expect(statSync(join(dir, 'secret')).mode & 0o777).toBe(0o600);

    const server = await startTestServer({ dataDir: dir, sync: { heartbeatMs: 200 } });
    try {
      const ok = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/demo-01', token });
      await ok.whenSynced();
      await ok.destroy();
      const hq = await server.token({ role: 'hq' });
      const devices = await (await fetch(`${server.url}/api/hq/devices`, { headers: { Authorization: `Bearer ${hq}` } })).json();
      expect(devices.devices.some((d: { jti: string; device: string }) => d.jti === claims.jti && d.device === 'tablet 1')).toBe(true);
      // --revoke from the command line while the server runs: the open connection is closed at the next heartbeat
      const open = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/demo-01', token });
      await open.whenSynced();
      expect((await tokenCli(['--revoke', claims.jti!, '--data', dir])).code).toBe(0);
      const refused = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/demo-01', token });
      expect((await refused.whenClosed()).code).toBe(CLOSE.revoked);
      expect((await open.whenClosed()).code).toBe(CLOSE.revoked);
    } finally {
      await server.stop();
    }
  });

  it('prints an hq link for an hq token', async () => {
    const r = await tokenCli(['--role', 'hq', '--data', tempDataDir()]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')[1]).toMatch(/^http:\/\/localhost:\d+\/hq\/\?token=ey/);
  });

  it('refuses a shelter id that is not registered, and says which ones are', async () => {
    const dir = await demoDataDir();
    const r = await tokenCli(['--role', 'staff', '--shelter', 'demo-99', '--data', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unknown shelter "demo-99": registered shelters are demo-01, demo-02/);
    const empty = await tokenCli(['--role', 'staff', '--shelter', 'demo-01', '--data', tempDataDir()]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no shelter is registered/);
  });

  it('makes links for the port of the server running on the data directory, and says so', async () => {
    const dir = await demoDataDir();
    const proc = await spawnServerProcess({ dataDir: dir });
    try {
      const r = await tokenCli(['--role', 'hq', '--data', dir]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n')[1]).toMatch(new RegExp(`^http://localhost:${proc.port}/hq/\\?token=`));
      expect(r.stderr).toContain(`http://localhost:${proc.port}`);
    } finally {
      await proc.kill('SIGTERM');
    }
    // once the server is gone, the CLI says which address it used instead
    const after = await tokenCli(['--role', 'hq', '--data', dir]);
    expect(after.stderr).toMatch(/no server is running/);
  });

  it('npm start reuses its two links across restarts, and replaces (and revokes) a revoked one', async () => {
    const dir = await demoDataDir();
    const first = await startLinks(dir, 'http://localhost:8080', 'demo-01');
    const second = await startLinks(dir, 'http://localhost:8080', 'demo-01');
    expect(second).toEqual({ ...first, reused: true });
    expect(first.shelter).toBe('demo-01');
    const store = openSqliteStore(dir);
    const staffJti = decodeJwt(new URL(first.staff!).searchParams.get('token')!).jti as string;
    await store.revoke(staffJti, new Date());
    const devicesBefore = (await store.listDevices()).length;
    await store.close();
    const third = await startLinks(dir, 'http://localhost:8080', 'demo-01');
    expect(third.hq).toBe(first.hq);
    expect(third.staff).not.toBe(first.staff);
    const check = openSqliteStore(dir);
    expect((await check.listDevices()).length).toBe(devicesBefore + 1);
    await check.close();
  });

  it('explains what is wrong with bad arguments and prints no token', async () => {
    for (const args of [['--role', 'staff'], ['--role', 'mayor'], ['--role', 'staff', '--shelter', '../x'], ['--role', 'hq', '--ttl', 'soon']]) {
      const r = await tokenCli([...args, '--data', tempDataDir()]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/usage: npm run token/);
    }
  });
});
