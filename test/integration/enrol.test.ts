// HQ makes a tablet's enrolment link from its device list (POST /api/hq/devices); the token
// CLI prints the link as a QR code too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { ROOT, startTestServer, type TestServer } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import { YClient } from '../helpers/yclient';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await seedHq(server, { districts: [{ id: 'd1', name: 'D' }], shelters: [{ id: 'gym', name: '体育館' }] });
});
afterAll(async () => server.stop());

const post = async (token: string | null, body: unknown) =>
  fetch(`${server.url}/api/hq/devices`, {
    method: 'POST',
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('enrolment from HQ', () => {
  it('an hq token gets a staff token for a registered shelter, which syncs that shelter', async () => {
    const res = await post(await server.token({ role: 'hq' }), { shelter: 'gym', device: '体育館タブレット2' });
    expect(res.status).toBe(200);
    const { token, jti } = (await res.json()) as { token: string; jti: string };
    expect(decodeJwt(token)).toMatchObject({ role: 'staff', shelter: 'gym', device: '体育館タブレット2', jti });
    const c = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/gym', token, name: 'new tablet' });
    await c.whenSynced();
    await c.destroy();
    const devices = (await (await fetch(`${server.url}/api/hq/devices`, { headers: { Authorization: `Bearer ${await server.token({ role: 'hq' })}` } })).json()) as { devices: { jti: string }[] };
    expect(devices.devices.some((d) => d.jti === jti)).toBe(true);
  });

  it('refuses an unknown shelter, a staff token and no token', async () => {
    expect((await post(await server.token({ role: 'hq' }), { shelter: 'nowhere' })).status).toBe(400);
    expect((await post(await server.token({ role: 'staff', shelter: 'gym' }), { shelter: 'gym' })).status).toBe(403);
    expect((await post(null, { shelter: 'gym' })).status).toBe(401);
  });

  it('npm run token -- --qr prints the link as a QR code on stderr, stdout stays two lines', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'sync-server/cli/token.ts'), '--role', 'hq', '--qr', '--data', server.dataDir, '--base', 'https://city.example'],
      { cwd: ROOT },
    );
    expect(stdout.trim().split('\n')).toHaveLength(2);
    expect(stderr).toMatch(/[█▀▄]{10,}/);
  });
});
