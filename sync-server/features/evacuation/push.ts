// Web Push at the household's own timing. A resident who opts in leaves a subscription: the
// browser's endpoint and keys, the district, the switch level, the language and the time — no
// home, no name. When a district's level changes, every subscription of that district gets
// "prepare", "evacuate" or "lifted" (domain/push-messages.ts), sent with the web-push library
// (VAPID keys generated once and kept in the store), urgency high for "evacuate", with a TTL and
// a topic per district (a newer alert replaces an older one still waiting). A push service that
// answers 404 or 410 has dropped the subscription: it is deleted.
//
// Several instances on one store all see the change; each tries to claim the event in the store
// (insertRecord: exactly one wins), so every subscriber gets each alert once.
//
// SSRF: the server sends requests to the endpoint a stranger gave it, so only https endpoints of
// the known push services are taken; HINANJO_PUSH_ENDPOINTS (comma-separated origins) adds others
// (a test push service on loopback).
import { createHash } from 'node:crypto';
import webpush from 'web-push';
import { PUSH_LANGS, pushKind, pushPayload, type PushLang } from '../../../domain/push-messages';
import { asLevel } from '../../../domain/vocabulary';
import { asString } from '../../../domain/coerce';
import { hqDistricts } from '../../../domain/schema';
import type { DerivedLayers } from '../derived-layers';
import type { DocStore } from '../../store/types';
import { AddressLimits, clientAddress, readJson, sendJson, type Route } from '../../routes/router';

const KNOWN_PUSH_HOSTS = [/^fcm\.googleapis\.com$/, /(^|\.)push\.services\.mozilla\.com$/, /(^|\.)push\.apple\.com$/, /(^|\.)notify\.windows\.com$/];
export const SUB_KIND = 'push-sub';
const EVENT_KIND = 'push-event';
const SETTINGS_KIND = 'settings';
const SEND_CONCURRENCY = 64;

export function allowedEndpoint(endpoint: string, extra: readonly string[] = extraOrigins()): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  if (extra.includes(url.origin)) return true;
  return url.port === '' && KNOWN_PUSH_HOSTS.some((re) => re.test(url.hostname));
}

function extraOrigins(): string[] {
  return (process.env.HINANJO_PUSH_ENDPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((s) => {
      try {
        return [new URL(s).origin];
      } catch {
        return [];
      }
    });
}

interface Subscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  district: string;
  switchLevel: 3 | 4;
  lang: PushLang;
  at: string;
}

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export type SubscriptionProblem = 'subscription' | 'endpoint-not-allowed' | 'district' | 'switch-level' | 'lang';

export function parseSubscription(body: unknown, districts: ReadonlySet<string>): { ok: true; value: Omit<Subscription, 'at'> } | { ok: false; error: SubscriptionProblem } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const sub = (b.subscription && typeof b.subscription === 'object' ? b.subscription : {}) as Record<string, unknown>;
  const keys = (sub.keys && typeof sub.keys === 'object' ? sub.keys : {}) as Record<string, unknown>;
  const endpoint = sub.endpoint;
  if (typeof endpoint !== 'string' || endpoint.length > 2048 || typeof keys.p256dh !== 'string' || typeof keys.auth !== 'string') return { ok: false, error: 'subscription' };
  if (!B64URL.test(keys.p256dh) || !B64URL.test(keys.auth) || keys.p256dh.length < 80 || keys.p256dh.length > 100 || keys.auth.length < 16 || keys.auth.length > 32) return { ok: false, error: 'subscription' };
  if (!allowedEndpoint(endpoint)) return { ok: false, error: 'endpoint-not-allowed' };
  if (typeof b.district !== 'string' || !districts.has(b.district)) return { ok: false, error: 'district' };
  if (b.switchLevel !== 3 && b.switchLevel !== 4) return { ok: false, error: 'switch-level' };
  if (!PUSH_LANGS.includes(b.lang as PushLang)) return { ok: false, error: 'lang' };
  return { ok: true, value: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth }, district: b.district, switchLevel: b.switchLevel, lang: b.lang as PushLang } };
}

const subId = (endpoint: string) => createHash('sha256').update(endpoint).digest('base64url');

export interface PushStats {
  sent: number;
  failed: number;
  removed: number;
}

export class PushService {
  private vapid: { publicKey: string; privateKey: string } | null = null;
  private levels = new Map<string, { level: number; issuedAt: string }>();
  private readonly limits = new AddressLimits(20, 10);
  /** Resolves when the last fan-out finished (tests, the bench). */
  idle: Promise<PushStats> = Promise.resolve({ sent: 0, failed: 0, removed: 0 });
  private off: (() => void) | null = null;

  constructor(
    private readonly deps: { store: DocStore; derived: DerivedLayers; clock: () => Date; log: (line: string) => void; subject?: string },
  ) {}

  async start(): Promise<void> {
    this.vapid = await this.loadVapid();
    this.levels = this.currentLevels();
    this.off = this.deps.derived.onPublicChange(() => this.onLevels());
  }

  stop(): void {
    this.off?.();
  }

  /** VAPID keys, made once and kept in the store (several instances: the first one's). */
  private async loadVapid(): Promise<{ publicKey: string; privateKey: string }> {
    const { store, clock } = this.deps;
    const kept = await store.getRecord(SETTINGS_KIND, 'vapid');
    if (kept) return JSON.parse(kept.data) as { publicKey: string; privateKey: string };
    const keys = webpush.generateVAPIDKeys();
    await store.insertRecord({ kind: SETTINGS_KIND, id: 'vapid', grp: '', data: JSON.stringify(keys) }, clock());
    const won = await store.getRecord(SETTINGS_KIND, 'vapid');
    return JSON.parse(won!.data) as { publicKey: string; privateKey: string };
  }

  private currentLevels(): Map<string, { level: number; issuedAt: string }> {
    const out = new Map<string, { level: number; issuedAt: string }>();
    const hq = this.deps.derived.hqDoc();
    if (!hq) return out;
    hqDistricts(hq).forEach((m, id) => out.set(id, { level: asLevel(m.get('level')), issuedAt: asString(m.get('issuedAt')) }));
    return out;
  }

  private districtNames(): Map<string, string> {
    const out = new Map<string, string>();
    const hq = this.deps.derived.hqDoc();
    if (hq) hqDistricts(hq).forEach((m, id) => out.set(id, asString(m.get('name'), id)));
    return out;
  }

  private onLevels(): void {
    const next = this.currentLevels();
    const changes: { district: string; previous: number; level: number; issuedAt: string }[] = [];
    for (const [id, now] of next) {
      // A district that appeared since the start (with its level already set) rose from 0.
      const before = this.levels.get(id) ?? { level: 0, issuedAt: '' };
      if (before.level !== now.level) changes.push({ district: id, previous: before.level, level: now.level, issuedAt: now.issuedAt });
    }
    this.levels = next;
    if (changes.length === 0) return;
    const run = this.idle.then(async () => {
      const total: PushStats = { sent: 0, failed: 0, removed: 0 };
      for (const c of changes) {
        const s = await this.fanOut(c).catch((e: Error) => {
          this.deps.log(`push for ${c.district} failed: ${e.message}`);
          return { sent: 0, failed: 0, removed: 0 };
        });
        total.sent += s.sent;
        total.failed += s.failed;
        total.removed += s.removed;
      }
      return total;
    });
    this.idle = run;
  }

  /** Sends one level change to its district's subscribers, if this instance claims the event. */
  async fanOut(change: { district: string; previous: number; level: number; issuedAt: string }): Promise<PushStats> {
    const { store, clock, log } = this.deps;
    const stats: PushStats = { sent: 0, failed: 0, removed: 0 };
    const eventId = `${change.district}|${change.issuedAt}|${change.previous}>${change.level}`;
    const claimed = await store.insertRecord({ kind: EVENT_KIND, id: eventId, grp: change.district, data: JSON.stringify(change) }, clock());
    if (!claimed || !this.vapid) return stats;
    const name = this.districtNames().get(change.district) ?? change.district;
    const subs = (await store.listRecords(SUB_KIND, change.district)).map((r) => JSON.parse(r.data) as Subscription);
    const now = clock();
    const topic = createHash('sha256').update(change.district).digest('base64url').slice(0, 32);
    const jobs = subs.flatMap((sub) => {
      const kind = pushKind(change.previous, change.level, sub.switchLevel);
      return kind ? [{ sub, kind }] : [];
    });
    // The VAPID signature depends only on the push service's origin: one per origin per fan-out
    // (signing it for each of 50,000 messages would cost more than the sending).
    const subject = this.deps.subject ?? process.env.HINANJO_PUSH_SUBJECT ?? 'mailto:hinanjo@example.invalid';
    const signatures = new Map<string, string>();
    const authorization = (endpoint: string) => {
      const origin = new URL(endpoint).origin;
      let a = signatures.get(origin);
      if (!a) {
        a = webpush.getVapidHeaders(origin, subject, this.vapid!.publicKey, this.vapid!.privateKey, 'aes128gcm').Authorization as string;
        signatures.set(origin, a);
      }
      return a;
    };
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const { sub, kind } = jobs[next++];
        if (!allowedEndpoint(sub.endpoint)) {
          stats.failed++;
          continue;
        }
        const payload = JSON.stringify(pushPayload(kind, sub.lang, { id: change.district, name }, change.level, now));
        try {
          await webpush.sendNotification({ endpoint: sub.endpoint, keys: sub.keys }, payload, {
            headers: { Authorization: authorization(sub.endpoint) },
            TTL: kind === 'evacuate' ? 6 * 3600 : 12 * 3600,
            urgency: kind === 'evacuate' ? 'high' : 'normal',
            topic,
            timeout: 10_000,
          });
          stats.sent++;
        } catch (e) {
          const status = (e as { statusCode?: number }).statusCode;
          if (status === 404 || status === 410) {
            await store.deleteRecords(SUB_KIND, [subId(sub.endpoint)]).catch(() => 0);
            stats.removed++;
          } else stats.failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, jobs.length) }, worker));
    // Counts only: a log never carries an endpoint or a place.
    log(`push ${change.district} level ${change.previous}→${change.level}: ${stats.sent} sent, ${stats.failed} failed, ${stats.removed} gone`);
    return stats;
  }

  routes(): Route[] {
    const { store, clock } = this.deps;
    const districts = () => new Set(this.currentLevels().keys());
    return [
      {
        method: 'GET',
        path: '/api/public/push-key',
        handler: (_req, res) => sendJson(res, 200, { publicKey: this.vapid?.publicKey ?? null }, { 'Cache-Control': 'public, max-age=3600' }),
      },
      {
        method: 'POST',
        path: '/api/public/push-subscriptions',
        handler: async (req, res) => {
          if (!this.limits.take(clientAddress(req))) return sendJson(res, 429, { error: 'rate-limited' }, { 'Retry-After': '60' });
          let body: unknown;
          try {
            body = await readJson(req, 8 * 1024);
          } catch {
            return sendJson(res, 400, { error: 'subscription' });
          }
          const parsed = parseSubscription(body, districts());
          if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
          const sub: Subscription = { ...parsed.value, at: clock().toISOString() };
          await store.putRecord({ kind: SUB_KIND, id: subId(sub.endpoint), grp: sub.district, data: JSON.stringify(sub) }, clock());
          sendJson(res, 201, { district: sub.district, switchLevel: sub.switchLevel });
        },
      },
      {
        method: 'DELETE',
        path: '/api/public/push-subscriptions',
        handler: async (req, res) => {
          let body: { endpoint?: unknown };
          try {
            body = (await readJson(req, 4 * 1024)) as { endpoint?: unknown };
          } catch {
            return sendJson(res, 400, { error: 'subscription' });
          }
          if (typeof body?.endpoint !== 'string') return sendJson(res, 400, { error: 'subscription' });
          await store.deleteRecords(SUB_KIND, [subId(body.endpoint)]);
          res.writeHead(204, { 'Cache-Control': 'no-store' });
          res.end();
        },
      },
    ];
  }
}
