// What an attacker with a browser, a stolen staff token or a crafted token tries, and what the
// server answers: security headers, read-only awareness, write limits, socket caps, tokens that
// were tampered with, file modes, a health probe that does not write per request, metrics for
// operators only, and logs without names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import * as Y from 'yjs';
import { CLOSE, encodeMessage, tokenProtocols } from '../../domain/protocol';
import { connect } from 'node:net';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import { checkInHousehold, emptyPersonInput } from '../../domain/people';
import { shelterMeta } from '../../domain/schema';
import { spawnServerProcess, startTestServer, type TestServer } from '../helpers/server';
import { writeDoc } from '../helpers/seed';
import { YClient } from '../helpers/yclient';

let server: TestServer;
const clients: YClient[] = [];

async function open(docName: string, token: string | null, name = docName): Promise<YClient> {
  const c = await YClient.connect({ wsUrl: server.wsUrl, docName, token, name });
  clients.push(c);
  return c;
}

const rejected = (reason: string) => server.server.metrics.framesRejected.get(reason as never) ?? 0;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.destroy()));
  await server.stop();
});

describe('security headers', () => {
  it('every page, file and API answer carries CSP (no framing, own scripts only), nosniff and no-referrer', async () => {
    for (const path of ['/', '/shelter/', '/hq/', '/api/public/status.json', '/healthz', '/no-such-file']) {
      const res = await fetch(`${server.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain('https://cyberjapandata.gsi.go.jp');
      expect(csp, path).not.toContain("'unsafe-eval'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });
});

describe('awareness', () => {
  it('presence is neither stored nor relayed, from a writer or a reader; a query for it gets no state', async () => {
    const token = await server.token({ role: 'staff', shelter: 'aw' });
    const writer = await open('shelter/aw', token, 'presence writer');
    const listener = await open('shelter/aw', await server.token({ role: 'hq' }), 'presence listener');
    const reader = await open('hq', await server.token({ role: 'staff', shelter: 'aw' }), 'staff@hq');
    await Promise.all([writer.whenSynced(), listener.whenSynced(), reader.whenSynced()]);
    const before = rejected('awareness');
    // The probe's attack: many client ids packed in one small message, repeated.
    const forged = new awarenessProtocol.Awareness(new Y.Doc());
    const ids: number[] = [];
    for (let i = 0; i < 450; i++) {
      const id = 1_000_000 + i;
      forged.states.set(id, { j: 1 });
      forged.meta.set(id, { clock: 1, lastUpdated: 0 });
      ids.push(id);
    }
    const packed = encodeMessage({ type: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(forged, ids) });
    for (let i = 0; i < 20; i++) writer.sendRaw(packed);
    reader.setAwareness({ junk: 'x'.repeat(1000) });
    await writer.until(() => rejected('awareness') >= before + 21, 'the presence was dropped');
    // A query returns nothing, and a newcomer is sent nothing.
    for (let i = 0; i < 5; i++) listener.sendRaw(Uint8Array.of(3));
    const newcomer = await open('shelter/aw', await server.token({ role: 'hq' }), 'newcomer');
    await newcomer.whenSynced();
    await new Promise((r) => setTimeout(r, 150));
    expect(listener.awareness.getStates().size).toBe(1); // its own local state only
    expect(newcomer.awareness.getStates().size).toBe(1);
    expect(listener.awarenessBytes).toBeLessThanOrEqual(5 * 3);
    expect(newcomer.awarenessBytes).toBe(0);
    expect(writer.connected).toBe(true);
  });
});

describe('write limits', () => {
  it(`one value over the limit is refused (${CLOSE.tooLarge}) and nothing of the update is stored`, async () => {
    const c = await open('shelter/V', await server.token({ role: 'staff', shelter: 'V' }), 'big value');
    await c.whenSynced();
    const stored = server.server.metrics.updatesStored;
    c.doc.getMap('people').set('p', 'x'.repeat(300 * 1024));
    const closed = await c.whenClosed();
    expect(closed).toEqual({ code: CLOSE.tooLarge, reason: expect.stringContaining('value') });
    expect(server.server.metrics.updatesStored).toBe(stored);
    expect(rejected('value_too_large')).toBe(1);
  });

  it(`a document over its quota takes nothing more (${CLOSE.docQuota}); a token over its byte budget is refused (${CLOSE.writeBudget})`, async () => {
    const small = await startTestServer({ sync: { limits: { maxValueBytes: 256 * 1024, docQuotaBytes: 200 * 1024, budgetBurstBytes: 150 * 1024, budgetBytesPerSecond: 1 } } });
    try {
      const junk = () => new TextDecoder().decode(crypto.getRandomValues(new Uint8Array(30 * 1024)).map((b) => 65 + (b % 26)));
      // Budget: one token writes 30 kB at a time into its own shelter until refused.
      const staff = await small.token({ role: 'staff', shelter: 'Q' });
      const a = await YClient.connect({ wsUrl: small.wsUrl, docName: 'shelter/Q', token: staff, name: 'junk writer' });
      await a.whenSynced();
      let sent = 0;
      while (a.connected && sent < 20) {
        a.doc.getMap('junk').set(`k${sent++}`, junk());
        await a.whenStored(2_000).catch(() => undefined);
      }
      expect(a.lastClose?.code).toBe(CLOSE.writeBudget);
      expect(sent).toBeLessThanOrEqual(6);
      expect(small.server.metrics.framesRejected.get('write_budget')).toBe(1);
      await a.destroy();

      // Quota: hq tokens (each its own budget) fill one document up to its quota.
      let quotaHit: number | undefined;
      for (let i = 0; i < 12 && quotaHit === undefined; i++) {
        const c = await YClient.connect({ wsUrl: small.wsUrl, docName: 'shelter/R', token: await small.token({ role: 'hq' }), name: `filler ${i}` });
        await c.whenSynced();
        c.doc.getMap('junk').set(`k${i}`, junk());
        await Promise.race([c.whenStored(2_000), c.whenClosed(2_000)]).catch(() => undefined);
        if (c.lastClose) quotaHit = c.lastClose.code;
        await c.destroy();
      }
      expect(quotaHit).toBe(CLOSE.docQuota);
      expect(small.server.metrics.framesRejected.get('doc_quota')).toBeGreaterThanOrEqual(1);
      const metrics = await (await fetch(`${small.url}/metrics`, { headers: { Authorization: `Bearer ${await small.token({ role: 'hq' })}` } })).text();
      expect(metrics).toMatch(/hinanjo_frames_rejected_total\{reason="doc_quota"\} \d+/);
      expect(metrics).toMatch(/hinanjo_frames_rejected_total\{reason="write_budget"\} 1/);
    } finally {
      await small.stop();
    }
  });

  it(`a staff token may hold 16 sockets; the next one is refused with ${CLOSE.tooManySockets}`, async () => {
    const token = await server.token({ role: 'staff', shelter: 'S' });
    const ok: YClient[] = [];
    for (let i = 0; i < 16; i++) ok.push(await open('shelter/S', token, `socket ${i}`));
    await Promise.all(ok.map((c) => c.whenSynced()));
    const extra = await open('shelter/S', token, 'socket 17');
    expect((await extra.whenClosed()).code).toBe(CLOSE.tooManySockets);
    await ok[0].destroy();
    await new Promise((r) => setTimeout(r, 50));
    const again = await open('shelter/S', token, 'socket 17 again');
    await again.whenSynced();
  });
});

describe('tokens that were tampered with', () => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it('alg none, a staff token rewritten to hq, and a token signed with another key are all refused (4401)', async () => {
    const staff = await server.token({ role: 'staff', shelter: 'T' });
    const [header, payload, signature] = staff.split('.');
    const claims = decodeJwt(staff);
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'hq' })}.`;
    const tampered = `${header}.${b64({ ...claims, role: 'hq' })}.${signature}`;
    const otherShelter = `${header}.${b64({ ...claims, shelter: 'U' })}.${signature}`;
    const { privateKey } = generateKeyPairSync('ed25519');
    const foreign = await new SignJWT({ role: 'hq' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setJti(uuidv7())
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const foreignHs = await new SignJWT({ role: 'hq' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setJti(uuidv7())
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-deployments-secret-of-sufficient-length'));
    expect(payload).not.toBe(b64({ ...claims, role: 'hq' }));
    for (const [what, token, doc] of [
      ['alg none', none, 'hq'],
      ['role rewritten', tampered, 'shelter/X'],
      ['shelter rewritten', otherShelter, 'shelter/U'],
      ['foreign EdDSA key', foreign, 'hq'],
      ['foreign HS256 secret', foreignHs, 'hq'],
    ] as const) {
      const c = await open(doc, token, what);
      expect((await c.whenClosed()).code, what).toBe(CLOSE.unauthorized);
      const res = await fetch(`${server.url}/api/hq/devices`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status, what).toBe(401);
    }
  });
});

describe('files, health, metrics', () => {
  it('the data directory is 0700 and the database files 0600', async () => {
    await writeDoc(server, 'shelter/M', (doc) => shelterMeta(doc).set('status', 'open'));
    expect(statSync(server.dataDir).mode & 0o777).toBe(0o700);
    for (const f of ['hinanjo.sqlite', 'hinanjo.sqlite-wal', 'hinanjo.sqlite-shm']) {
      expect(statSync(join(server.dataDir, f)).mode & 0o777, f).toBe(0o600);
    }
  });

  it('/healthz probes the store at most once per interval, however often it is asked', async () => {
    const other = await startTestServer();
    try {
      let probes = 0;
      const store = other.server.store;
      const real = store.healthCheck.bind(store);
      store.healthCheck = (now) => {
        probes++;
        return real(now);
      };
      const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${other.url}/healthz`).then((r) => r.status)));
      for (let i = 0; i < 20; i++) expect((await fetch(`${other.url}/healthz`)).status).toBe(200);
      expect(answers.every((s) => s === 200)).toBe(true);
      expect(probes).toBe(1);
    } finally {
      await other.stop();
    }
  });

  it('/metrics needs an hq token (or HINANJO_METRICS_TOKEN); staff and anonymous are refused', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const staff = await server.token({ role: 'staff', shelter: 'A' });
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${staff}` } })).status).toBe(401);
    const hq = await server.token({ role: 'hq' });
    const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${hq}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('hinanjo_connections');
  });
});

describe('logs', () => {
  it("the server's output never contains a name that was checked in, even when connections misbehave", async () => {
    const proc = await spawnServerProcess();
    try {
      const names = ['ログ確認太郎', 'Logcheck Hanako'];
      const staff = await proc.token({ role: 'staff', shelter: 'L' });
      await writeDoc(proc, 'shelter/L', (doc) => {
        shelterMeta(doc).set('status', 'open');
        const r = checkInHousehold(doc, names.map((name) => ({ ...emptyPersonInput(), name, kana: 'ログ', note: `${name}の薬` })), { now: new Date(), newId: uuidv7 });
        if (!r.ok) throw new Error('check-in failed');
      }, staff);
      // a malformed frame, a refused token and an oversized value, each of which the server reports
      const bad = await YClient.connect({ wsUrl: proc.wsUrl, docName: 'shelter/L', token: staff, name: 'bad' });
      await bad.whenSynced();
      bad.sendRaw(Uint8Array.of(0, 2, 200, 1, 2));
      await bad.whenClosed();
      const refused = await YClient.connect({ wsUrl: proc.wsUrl, docName: 'shelter/L', token: 'x.y.z', name: 'refused' });
      await refused.whenClosed();
      const big = await YClient.connect({ wsUrl: proc.wsUrl, docName: 'shelter/L', token: staff, name: 'big' });
      await big.whenSynced();
      const doc = new Y.Doc();
      doc.getMap('people').set('x', `${names[0]}${'x'.repeat(300 * 1024)}`);
      big.doc.getMap('people').set('x', doc.getMap('people').get('x'));
      await big.whenClosed();
      await Promise.all([bad.destroy(), refused.destroy(), big.destroy()]);
      await fetch(`${proc.url}/api/public/status.json`);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await proc.kill('SIGTERM');
    }
    const out = proc.output();
    expect(out).toContain('listening on');
    for (const name of ['ログ確認太郎', 'Logcheck Hanako', 'ログ確認太郎の薬']) expect(out).not.toContain(name);
  });
});

describe('connections', () => {
  it('a validly signed token of a shelter that is not registered is refused at connect, so the shelter never reaches the overview', async () => {
    // issued directly (the test helper would register the shelter first, as HQ does)
    const token = await server.server.issue({ role: 'staff', shelter: 'ghost' });
    const c = await open('shelter/ghost', token, 'ghost tablet');
    expect(await c.whenClosed()).toEqual({ code: CLOSE.forbidden, reason: expect.stringContaining('not registered') });
    const hqReader = await open('hq', token, 'ghost@hq');
    expect((await hqReader.whenClosed()).code).toBe(CLOSE.forbidden);
    server.server.derived.flushNow();
    expect(server.server.derived.overview().shelters.map((s) => s.shelterId)).not.toContain('ghost');
  });

  it('the token rides in Sec-WebSocket-Protocol, not the URL; ?token= still works for older clients', async () => {
    const token = await server.token({ role: 'staff', shelter: 'proto' });
    const ws = new WebSocket(`${server.wsUrl}/shelter%2Fproto?v=2`, tokenProtocols(token));
    const first = await new Promise<{ protocol: string; type: number }>((resolve, reject) => {
      ws.on('message', (d: Buffer) => resolve({ protocol: ws.protocol, type: d[0] }));
      ws.on('close', (code) => reject(new Error(`closed ${code}`)));
    });
    expect(first).toEqual({ protocol: 'hinanjo', type: 0 }); // our sync step 1
    ws.close();
    const old = await open('shelter/proto', token, 'old client'); // YClient still uses ?token=
    await old.whenSynced();
    const wrong = new WebSocket(`${server.wsUrl}/shelter%2Fproto`, tokenProtocols('x.y.z'));
    expect(await new Promise((r) => wrong.on('close', (code) => r(code)))).toBe(CLOSE.unauthorized);
  });

  it('idle and half-sent HTTP requests are closed; an event stream stays open', async () => {
    const quick = await startTestServer({ httpTimeouts: { headersMs: 600, requestMs: 1_000, keepAliveMs: 500, checkEveryMs: 200 } });
    try {
      const closedWithin = (write: string) =>
        new Promise<number>((resolve) => {
          const t0 = Date.now();
          const s = connect(quick.port, '127.0.0.1', () => s.write(write));
          s.on('data', () => undefined);
          s.on('error', () => undefined);
          s.on('close', () => resolve(Date.now() - t0));
          setTimeout(() => s.destroy(), 10_000);
        });
      const stream = await fetch(`${quick.url}/api/public/changes`);
      const reader = stream.body!.getReader();
      const [idle, half] = await Promise.all([closedWithin(''), closedWithin('GET /api/public/status.json HTTP/1.1\r\nHost: x\r\n')]);
      expect(idle).toBeLessThan(3_000);
      expect(half).toBeLessThan(3_000);
      // the stream outlived both: a change made now still reaches it
      await new Promise((r) => setTimeout(r, 1_200));
      await writeDoc(quick, 'hq', (doc) => doc.getMap('meta').set('region', '遅延確認市'));
      let text = '';
      const cancel = setTimeout(() => void reader.cancel(), 5_000);
      while ((text.match(/event: etags/g) ?? []).length < 2) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      clearTimeout(cancel);
      expect((text.match(/event: etags/g) ?? []).length).toBe(2);
      await reader.cancel();
    } finally {
      await quick.stop();
    }
  });
});
