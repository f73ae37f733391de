// Asymmetric tokens: the city signs with Ed25519 (derived from its secret), anyone with the
// public key verifies, and nobody but the city can mint. Tokens from before the switch (HS256)
// keep working on the city server until they expire; a box refuses them with a clear reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import { CLOSE } from '../../domain/protocol';
import { LEGACY_HS256_UNTIL, accessFor, issueToken, keysFromPublicJwk, keysFromSecret, loadKeys, loadSecret, verifyToken } from '../../sync-server/core/auth';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { YClient } from '../helpers/yclient';
import { registerShelter } from '../helpers/seed';

let server: TestServer;
const clients: YClient[] = [];
const noRevocations = { isRevoked: async () => false };

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.destroy()));
  await server.stop();
});

async function open(docName: string, token: string, name = docName): Promise<YClient> {
  const c = await YClient.connect({ wsUrl: server.wsUrl, docName, token, name });
  clients.push(c);
  return c;
}

describe('asymmetric tokens', () => {
  it('are EdDSA with a key id, and the public key is published without its private part', async () => {
    const token = await server.token({ role: 'staff', shelter: 'A' });
    const header = decodeProtectedHeader(token);
    expect(header.alg).toBe('EdDSA');
    const res = await fetch(`${server.url}/api/public/token-key`);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: JWK[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: header.kid });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('the same secret gives the same key pair (npm run token and the server agree; restarts change nothing)', () => {
    const dir = tempDataDir();
    const a = loadKeys(dir);
    const b = loadKeys(dir);
    expect(a.kid).toBe(b.kid);
    expect(keysFromSecret(new TextEncoder().encode('x'.repeat(40))).kid).not.toBe(a.kid);
  });

  it('a holder of the public key verifies tokens but cannot mint one', async () => {
    const { keys } = (await (await fetch(`${server.url}/api/public/token-key`)).json()) as { keys: JWK[] };
    const verifier = keysFromPublicJwk(keys[0]);
    const token = await server.token({ role: 'staff', shelter: 'A' });
    expect(await verifyToken(verifier, noRevocations, token)).toMatchObject({ ok: true, value: { role: 'staff', shelter: 'A' } });
    const minted = await issueToken(verifier, server.server.store, { role: 'hq' });
    expect(minted).toEqual({ ok: false, error: expect.stringContaining('cannot issue') });
    expect(() => keysFromPublicJwk({ ...keys[0], d: 'secret' })).toThrow();
  });

  it('an HS256 token from before the switch works on the city until it expires; a box refuses it as legacy', async () => {
    const secret = loadSecret(server.dataDir);
    const legacy = (exp: number) =>
      new SignJWT({ role: 'staff', shelter: 'L' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setJti(uuidv7())
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(secret);
    await registerShelter(server, 'L');
    const valid = await legacy(Math.floor(Date.now() / 1000) + 3600);
    const c = await open('shelter/L', valid, 'legacy tablet');
    if (Date.now() < LEGACY_HS256_UNTIL.getTime()) {
      await c.whenSynced();
      c.doc.getMap('m').set('k', 1);
      await c.whenStored();
    } else {
      expect((await c.whenClosed()).code).toBe(CLOSE.unauthorized); // past the cutoff
    }
    const expired = await open('shelter/L', await legacy(Math.floor(Date.now() / 1000) - 10), 'legacy expired');
    expect((await expired.whenClosed()).code).toBe(CLOSE.unauthorized);

    // never past the fixed cutoff, never longer-lived than 30 days, never issued in the future
    const keys0 = loadKeys(server.dataDir);
    const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
    const hs = (iat: number, exp: number) =>
      new SignJWT({ role: 'staff', shelter: 'L' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setJti(uuidv7()).setIssuedAt(iat).setExpirationTime(exp).sign(secret);
    const beforeCutoff = new Date(LEGACY_HS256_UNTIL.getTime() - 3 * 86_400_000);
    const t0 = Math.floor(beforeCutoff.getTime() / 1000) - 3600;
    expect(await verifyToken(keys0, noRevocations, await hs(t0, t0 + 7 * 86_400), beforeCutoff)).toMatchObject({ ok: true });
    expect(await verifyToken(keys0, noRevocations, await hs(t0, t0 + 10 * 365 * 86_400), beforeCutoff)).toEqual({ ok: false, error: 'invalid' });
    expect(await verifyToken(keys0, noRevocations, await hs(t0 + 86_400, t0 + 2 * 86_400), beforeCutoff)).toEqual({ ok: false, error: 'invalid' });
    const afterCutoff = new Date(LEGACY_HS256_UNTIL.getTime() + 1000);
    const t1 = at(afterCutoff.toISOString()) - 3600;
    expect(await verifyToken(keys0, noRevocations, await hs(t1, t1 + 7 * 86_400), afterCutoff)).toEqual({ ok: false, error: 'legacy' });

    const { keys } = (await (await fetch(`${server.url}/api/public/token-key`)).json()) as { keys: JWK[] };
    expect(await verifyToken(keysFromPublicJwk(keys[0]), noRevocations, valid)).toEqual({ ok: false, error: 'legacy' });
  });
});

describe('box tokens', () => {
  it('a box token of shelter A writes shelter/A, reads hq, cannot open shelter/B and cannot write hq', async () => {
    const box = await server.token({ role: 'box', shelter: 'A', device: 'box A' });
    const claims = decodeJwt(box);
    expect(claims).toMatchObject({ role: 'box', shelter: 'A' });
    expect(accessFor(claims as never, { kind: 'shelter', shelterId: 'A' })).toBe('write');
    expect(accessFor(claims as never, { kind: 'hq' })).toBe('read');
    expect(accessFor(claims as never, { kind: 'shelter', shelterId: 'B' })).toBe('none');

    const own = await open('shelter/A', box, 'box@A');
    await own.whenSynced();
    own.doc.getMap('people').set('p', 'from the box');
    await own.whenStored();
    const other = await open('shelter/B', box, 'box@B');
    expect((await other.whenClosed()).code).toBe(CLOSE.forbidden);
    const hq = await open('hq', box, 'box@hq');
    await hq.whenSynced();
    const dropped = server.server.metrics.framesRejected.get('read_only') ?? 0;
    hq.doc.getMap('districts').set('x', 1);
    await hq.until(() => (server.server.metrics.framesRejected.get('read_only') ?? 0) > dropped, 'the write to hq was dropped');
    expect(server.server.registry.get('hq')!.doc.getMap('districts').has('x')).toBe(false);
  });

  it('a box token needs a shelter; an hq token has none', async () => {
    const keys = loadKeys(server.dataDir);
    expect(await issueToken(keys, server.server.store, { role: 'box' })).toMatchObject({ ok: false });
    expect(await issueToken(keys, server.server.store, { role: 'hq', shelter: 'A' })).toMatchObject({ ok: false });
  });
});
