// A push service on loopback, for the tests and the bench: https with the run's self-signed
// certificate (global-setup.ts), it takes what web-push sends, keeps the headers, and decrypts
// each payload (RFC 8291, aes128gcm) with the subscriber's keys, which the test made — as a
// browser would. An endpoint can be told to answer 410 (the browser dropped the subscription).
import { createDecipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface Subscriber {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  decrypt(body: Buffer): string;
}

export interface Delivery {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface PushService {
  origin: string;
  deliveries: Delivery[];
  /** Endpoints (by path) that answer 410 Gone. */
  gone: Set<string>;
  subscriber(name: string): Subscriber;
  /** The decrypted payloads delivered to `sub`, parsed. */
  received(sub: Subscriber): Record<string, unknown>[];
  close(): Promise<void>;
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

export function decryptAes128gcm(body: Buffer, uaPrivate: ReturnType<typeof createECDH>, uaPublic: Buffer, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const ct = body.subarray(21 + idlen);
  const ecdhSecret = uaPrivate.computeSecret(asPublic);
  const prkKey = hmac(authSecret, ecdhSecret);
  const ikm = hmac(prkKey, Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.concat([Buffer.from('Content-Encoding: aes128gcm\0'), Buffer.from([1])])).subarray(0, 16);
  const nonce = hmac(prk, Buffer.concat([Buffer.from('Content-Encoding: nonce\0'), Buffer.from([1])])).subarray(0, 12);
  const d = createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(ct.subarray(ct.length - 16));
  const plain = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('no padding delimiter: not the last record');
  return plain.subarray(0, end).toString('utf8');
}

export async function startPushService(opts: { host?: string } = {}): Promise<PushService> {
  const dir = process.env.HINANJO_TEST_PUSH_CERT_DIR;
  if (!dir) throw new Error('HINANJO_TEST_PUSH_CERT_DIR is not set (test/helpers/global-setup.ts)');
  const deliveries: Delivery[] = [];
  const gone = new Set<string>();
  const server: Server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (gone.has(path)) {
        res.writeHead(410);
        res.end();
        return;
      }
      deliveries.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, opts.host ?? '127.0.0.1', () => r()));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const subs = new Map<string, Subscriber>();
  return {
    origin,
    deliveries,
    gone,
    subscriber(name) {
      const ecdh = createECDH('prime256v1');
      const pub = ecdh.generateKeys();
      const auth = randomBytes(16);
      const sub: Subscriber = {
        endpoint: `${origin}/push/${encodeURIComponent(name)}`,
        keys: { p256dh: pub.toString('base64url'), auth: auth.toString('base64url') },
        decrypt: (body) => decryptAes128gcm(body, ecdh, pub, auth),
      };
      subs.set(name, sub);
      return sub;
    },
    received(sub) {
      const path = new URL(sub.endpoint).pathname;
      return deliveries.filter((d) => d.path === path).map((d) => JSON.parse(sub.decrypt(d.body)) as Record<string, unknown>);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
