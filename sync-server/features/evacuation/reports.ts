// Residents report back, anonymously: 避難しました (where to), 自宅で安全です, or まだです, once
// per device per district per level event (the district's issuedAt): the record's id is a hash of
// the device's random id, the district and the event, so a second report from the same phone
// replaces the first and the device id itself is never stored. No name, no place. Counts per
// district appear in status.json (`reports`), recomputed from the store a moment after a report
// and every few seconds (so several instances agree).
import { createHash } from 'node:crypto';
import { asString } from '../../../domain/coerce';
import { hqDistricts } from '../../../domain/schema';
import { asLevel } from '../../../domain/vocabulary';
import { EVACUATION_STATUSES, EVACUATION_WHERE, emptyReportCounts, type EvacuationStatus, type EvacuationWhere, type ReportCounts } from '../../../domain/evacuation-reports';
import type { DerivedLayers } from '../derived-layers';
import type { DocStore } from '../../store/types';
import { AddressLimits, clientAddress, readJson, sendJson, type Route } from '../../routes/router';

export const REPORT_KIND = 'report';
const REFRESH_MS = 5_000;
const SOON_MS = 300;

export class ReportService {
  private readonly limits = new AddressLimits(30, 30);
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { store: DocStore; derived: DerivedLayers; clock: () => Date }) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
  }

  /** The current event of each district with a level: its issuedAt. */
  private events(): Map<string, string> {
    const out = new Map<string, string>();
    const hq = this.deps.derived.hqDoc();
    if (!hq) return out;
    hqDistricts(hq).forEach((m, id) => {
      if (asLevel(m.get('level')) > 0) out.set(id, asString(m.get('issuedAt')) || 'unknown');
    });
    return out;
  }

  /** Counts the current event's reports of every district and hands them to status.json. */
  async refresh(): Promise<void> {
    const events = this.events();
    const counts = await this.deps.store.countRecords(REPORT_KIND);
    const out = new Map<string, ReportCounts>();
    for (const [grp, n] of counts) {
      const [district, event, status, where] = grp.split('|');
      if (events.get(district) !== event) continue;
      const c = out.get(district) ?? emptyReportCounts();
      if ((EVACUATION_STATUSES as readonly string[]).includes(status)) c[status as EvacuationStatus] += n;
      if ((EVACUATION_WHERE as readonly string[]).includes(where)) c.where[where as EvacuationWhere] += n;
      out.set(district, c);
    }
    this.deps.derived.setReportCounts(out);
  }

  routes(): Route[] {
    const { store, clock } = this.deps;
    return [
      {
        method: 'POST',
        path: '/api/public/evacuation-reports',
        handler: async (req, res) => {
          if (!this.limits.take(clientAddress(req))) return sendJson(res, 429, { error: 'rate-limited' }, { 'Retry-After': '60' });
          let body: Record<string, unknown>;
          try {
            body = (await readJson(req, 2 * 1024)) as Record<string, unknown>;
          } catch {
            return sendJson(res, 400, { error: 'body' });
          }
          const { district, status, where, device } = body ?? {};
          if (typeof device !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(device)) return sendJson(res, 400, { error: 'device' });
          if (!(EVACUATION_STATUSES as readonly unknown[]).includes(status)) return sendJson(res, 400, { error: 'status' });
          if (where !== undefined && where !== null && (status !== 'evacuated' || !(EVACUATION_WHERE as readonly unknown[]).includes(where))) return sendJson(res, 400, { error: 'where' });
          const event = typeof district === 'string' ? this.events().get(district) : undefined;
          if (typeof district !== 'string' || !this.knownDistrict(district)) return sendJson(res, 400, { error: 'district' });
          if (!event) return sendJson(res, 409, { error: 'no-level' });
          const id = createHash('sha256').update(`${device}|${district}|${event}`).digest('base64url');
          const w = typeof where === 'string' ? where : '';
          await store.putRecord({ kind: REPORT_KIND, id, grp: `${district}|${event}|${status as string}|${w}`, data: JSON.stringify({ district, event, status, where: w || null }) }, clock());
          this.soon ??= setTimeout(() => {
            this.soon = null;
            void this.refresh().catch(() => undefined);
          }, SOON_MS);
          sendJson(res, 202, { district, status, where: w || null });
        },
      },
    ];
  }

  private knownDistrict(id: string): boolean {
    const hq = this.deps.derived.hqDoc();
    return !!hq && hqDistricts(hq).has(id);
  }
}
