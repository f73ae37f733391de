// "I need help" (助けが必要): a resident who cannot evacuate alone asks the city. The request
// carries how many people, why, the home point (the one place it leaves the phone, with consent
// given on screen), and optionally a phone number, a name and a note. The resident gets an id
// and a secret (only its hash is stored) to follow the state — 受付済み, 対応中, 救助済み, 取消
// — and to cancel. HQ lists them, changes their state (who, when, a note), and every view and
// change is in the audit log. Resolved requests are erased with the retention setting. SOS never
// appear in a public feed; public, staff and box tokens cannot list them.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { retentionDays } from '../../../domain/retention';
import { SOS_REASONS, SOS_STATES, parseSosRequest, type SosRecord, type SosState } from '../../../domain/sos';
import type { DerivedLayers } from '../derived-layers';
import type { DocStore } from '../../store/types';
import { type HqContext, requireHq } from '../../routes/hq';
import { AddressLimits, clientAddress, readJson, sendJson, type Route } from '../../routes/router';

export const SOS_KIND = 'sos';
const DAY_MS = 86_400_000;

interface StoredSos extends SosRecord {
  secretHash: string;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('base64url');

export class SosService {
  private readonly limits = new AddressLimits(5, 2);
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: { store: DocStore; derived: DerivedLayers; clock: () => Date; hq: HqContext; log: (line: string) => void }) {}

  /** Called when an SOS is created or changes here (HQ's stream tells its screens to fetch). */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private async load(id: string): Promise<StoredSos | null> {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) return null;
    const r = await this.deps.store.getRecord(SOS_KIND, id);
    return r ? (JSON.parse(r.data) as StoredSos) : null;
  }

  private async save(s: StoredSos): Promise<void> {
    await this.deps.store.putRecord({ kind: SOS_KIND, id: s.id, grp: s.state, data: JSON.stringify(s) }, this.deps.clock());
    this.changed();
  }

  /** The request `id` if `req` carries its secret; null otherwise (unknown and wrong look the same). */
  private async withSecret(req: IncomingMessage, id: string): Promise<StoredSos | null> {
    const secret = req.headers['x-sos-secret'];
    if (typeof secret !== 'string' || secret.length > 100) return null;
    const s = await this.load(id);
    if (!s) return null;
    const a = Buffer.from(hash(secret));
    const b = Buffer.from(s.secretHash);
    return a.length === b.length && timingSafeEqual(a, b) ? s : null;
  }

  /** Erases resolved requests older than the retention setting (called with the hourly purge). */
  async purgeResolved(now = this.deps.clock()): Promise<number> {
    const hq = this.deps.derived.hqDoc();
    if (!hq) return 0;
    const days = retentionDays(hq);
    const due: string[] = [];
    for (const state of ['rescued', 'cancelled'] as const) {
      for (const r of await this.deps.store.listRecords(SOS_KIND, state)) {
        const s = JSON.parse(r.data) as StoredSos;
        if (Date.parse(s.updatedAt) + days * DAY_MS <= now.getTime()) due.push(s.id);
      }
    }
    if (due.length === 0) return 0;
    const n = await this.deps.store.deleteRecords(SOS_KIND, due, { erase: true });
    this.deps.log(`erased ${n} resolved SOS request(s) past the retention period`);
    return n;
  }

  routes(): Route[] {
    const { store, clock, hq } = this.deps;
    const audit = (claims: { jti: string; device?: string }, relation: string, query: string, answered: number, answer: string) =>
      store.appendAudit({ at: clock().toISOString(), jti: claims.jti, device: claims.device ?? null, askedBy: 'SOS', relation, query, answered, answer });
    const publicView = (s: StoredSos) => ({ id: s.id, state: s.state, updatedAt: s.updatedAt });
    return [
      {
        method: 'POST',
        path: '/api/public/sos',
        handler: async (req, res) => {
          let body: unknown;
          try {
            body = await readJson(req, 8 * 1024);
          } catch {
            return sendJson(res, 400, { error: 'body' });
          }
          const parsed = parseSosRequest(body);
          if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
          // Counted once valid (a refused request stores nothing): a few a minute per address.
          if (!this.limits.take(clientAddress(req))) return sendJson(res, 429, { error: 'rate-limited' }, { 'Retry-After': '120' });
          const now = clock().toISOString();
          const secret = randomBytes(24).toString('base64url');
          const s: StoredSos = {
            ...parsed.value,
            id: randomUUID(),
            state: 'received',
            createdAt: now,
            updatedAt: now,
            history: [{ state: 'received', at: now, by: null, note: null }],
            secretHash: hash(secret),
          };
          await this.save(s);
          // Counts only in the log: never a place, a phone or a name.
          this.deps.log(`SOS received: ${s.people} people, ${s.reasons.join('+')}`);
          sendJson(res, 201, { id: s.id, secret, state: s.state }, { 'Cache-Control': 'no-store' });
        },
      },
      {
        method: 'GET',
        path: '/api/public/sos/',
        prefix: true,
        handler: async (req, res, url) => {
          const s = await this.withSecret(req, url.pathname.slice('/api/public/sos/'.length));
          if (!s) return sendJson(res, 404, { error: 'not-found' }, { 'Cache-Control': 'no-store' });
          sendJson(res, 200, publicView(s), { 'Cache-Control': 'no-store' });
        },
      },
      {
        method: 'DELETE',
        path: '/api/public/sos/',
        prefix: true,
        handler: async (req, res, url) => {
          const s = await this.withSecret(req, url.pathname.slice('/api/public/sos/'.length));
          if (!s) return sendJson(res, 404, { error: 'not-found' }, { 'Cache-Control': 'no-store' });
          if (s.state === 'rescued') return sendJson(res, 409, { error: 'already-rescued', ...publicView(s) });
          if (s.state !== 'cancelled') {
            const now = clock().toISOString();
            s.state = 'cancelled';
            s.updatedAt = now;
            s.history.push({ state: 'cancelled', at: now, by: 'resident', note: null });
            await this.save(s);
          }
          sendJson(res, 200, publicView(s), { 'Cache-Control': 'no-store' });
        },
      },
      {
        method: 'GET',
        path: '/api/hq/sos',
        handler: async (req, res, url) => {
          const claims = await requireHq(hq, req, res, url);
          if (!claims) return;
          const all = (await store.listRecords(SOS_KIND)).map((r) => {
            const { secretHash: _s, ...rest } = JSON.parse(r.data) as StoredSos;
            return rest;
          });
          const rank = (s: SosRecord) => SOS_STATES.indexOf(s.state);
          all.sort((a, b) => rank(a) - rank(b) || (a.createdAt < b.createdAt ? -1 : 1));
          try {
            await audit(claims, 'sos-list', '', all.length, '');
          } catch {
            return sendJson(res, 503, { error: 'audit-unavailable' });
          }
          sendJson(res, 200, { sos: all }, { 'Cache-Control': 'no-store' });
        },
      },
      {
        method: 'POST',
        path: '/api/hq/sos/',
        prefix: true,
        handler: async (req, res, url) => {
          const claims = await requireHq(hq, req, res, url);
          if (!claims) return;
          const s = await this.load(url.pathname.slice('/api/hq/sos/'.length));
          if (!s) return sendJson(res, 404, { error: 'not-found' });
          let body: { state?: unknown; note?: unknown };
          try {
            body = (await readJson(req, 4 * 1024)) as { state?: unknown; note?: unknown };
          } catch {
            return sendJson(res, 400, { error: 'body' });
          }
          if (!SOS_STATES.includes(body?.state as SosState)) return sendJson(res, 400, { error: 'state' });
          if (body.note !== undefined && (typeof body.note !== 'string' || body.note.length > 500)) return sendJson(res, 400, { error: 'note' });
          const now = clock().toISOString();
          s.state = body.state as SosState;
          s.updatedAt = now;
          s.history.push({ state: s.state, at: now, by: claims.device ?? claims.jti, note: typeof body.note === 'string' && body.note.trim() ? body.note.trim() : null });
          try {
            await audit(claims, 'sos-state', s.id, 1, s.state);
          } catch {
            return sendJson(res, 503, { error: 'audit-unavailable' });
          }
          await this.save(s);
          const { secretHash: _s, ...rest } = s;
          sendJson(res, 200, rest);
        },
      },
    ];
  }
}

export { SOS_REASONS };
