// Push fan-out: one level change to 50,000 subscriptions of a district, through a local push
// service on loopback (https, the run's own self-signed certificate, trusted through
// NODE_EXTRA_CA_CERTS, which Node reads at start: this file re-runs itself with it set). Reports
// the time from the change to the last delivery, deliveries per second, and the server's memory.
// Loopback only. HINANJO_BENCH_SUBS sets the count.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createECDH, randomBytes } from 'node:crypto';

const BENCH = 'push';
const emit = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: BENCH, metric, value: Math.round(value * 10) / 10, unit, ...extra }));

if (!process.env.HINANJO_TEST_PUSH_CERT_DIR) {
  const dir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename], {
    stdio: 'inherit',
    env: { ...process.env, HINANJO_TEST_PUSH_CERT_DIR: dir, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'), HINANJO_SQLITE_SYNC: 'NORMAL' },
  });
  process.exit(r.status ?? 1);
}

const { startTestServer } = await import('../test/helpers/server');
const { seedHq, writeDoc } = await import('../test/helpers/seed');
const { startPushService } = await import('../test/helpers/push-service');
const { setDistrictLevel } = await import('../domain/levels');

const N = Number(process.env.HINANJO_BENCH_SUBS ?? 50_000);
const push = await startPushService();
process.env.HINANJO_PUSH_ENDPOINTS = push.origin;
const server = await startTestServer({});
try {
  await seedHq(server, { districts: [{ id: 'd1', name: '本町地区' }], shelters: [] });
  // One real subscriber whose payload is decrypted; the rest share its keys (the receiver only counts them).
  const probe = push.subscriber('probe');
  const ecdh = createECDH('prime256v1');
  const p256dh = ecdh.generateKeys().toString('base64url');
  const auth = randomBytes(16).toString('base64url');
  const t0 = performance.now();
  const store = server.server.store;
  await store.putRecord({ kind: 'push-sub', id: 'probe', grp: 'd1', data: JSON.stringify({ endpoint: probe.endpoint, keys: probe.keys, district: 'd1', switchLevel: 4, lang: 'ja', at: new Date().toISOString() }) }, new Date());
  for (let i = 1; i < N; i++) {
    const endpoint = `${push.origin}/push/s${i}`;
    await store.putRecord({ kind: 'push-sub', id: `s${i}`, grp: 'd1', data: JSON.stringify({ endpoint, keys: { p256dh, auth }, district: 'd1', switchLevel: i % 2 ? 3 : 4, lang: 'ja', at: new Date().toISOString() }) }, new Date());
  }
  emit('subscriptions-stored', N, 'subscriptions', { seconds: Math.round((performance.now() - t0) / 100) / 10 });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
  const start = performance.now();
  await writeDoc(server, 'hq', (doc) => {
    setDistrictLevel(doc, 'd1', 4, { by: 'bench', now: new Date() });
  });
  for (;;) {
    const stats = await server.server.evacuation!.push.idle;
    if (push.deliveries.length >= N || stats.sent + stats.failed >= N) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  emit('fan-out-time', seconds, 's', { subscriptions: N, delivered: push.deliveries.length, note: 'level change to the last delivery, one process, loopback push service' });
  emit('fan-out-rate', push.deliveries.length / seconds, 'deliveries/s');
  emit('fan-out-rss-growth', (rssPeak - rssBefore) / 1e6, 'MB', { rssPeakMb: Math.round(rssPeak / 1e6) });
  const got = push.received(probe);
  emit('probe-decrypted', got.length, 'payloads', { kind: got[0]?.kind });
} finally {
  await server.stop();
  await push.close();
}
