// The 避難行動要支援者名簿 on the server, sealed. HQ uploads the city's CSV; it is kept in the store
// (records), never in a Yjs document and never on a shelter box, and only HQ tokens reach it.
// Until HQ opens it for a disaster (with a reason), only counts are shown; opening, closing,
// every view of names and every export are audit entries. Each listed person's status is
// computed continuously from the shelter documents: a check-in at any shelter that matches
// (domain/support-list.ts) makes them "in a shelter" within seconds of the summary changing;
// HQ confirms or rejects matches, records confirmations (phone call, visit) and supporters'
// reports. A shelter's staff see one number: how many listed people of their district are still
// unaccounted for. Derived data (decisions) follow the retention setting after the list closes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeFileBytes } from '../../../domain/file-text';
import { isPresent } from '../../../domain/counts';
import { PeopleChanges } from '../../../domain/people-changes';
import type { PeopleShadow } from '../../../domain/people-shadow';
import type { FieldReader } from '../../../domain/counts';
import * as Y from 'yjs';
import { asProtected, asString } from '../../../domain/coerce';
import { hqDistricts, hqShelters, parseDocName, shelterDocName } from '../../../domain/schema';
import { retentionDays } from '../../../domain/retention';
import { CSV_BOM, csvLine } from '../../../domain/roster-csv';
import {
  SUPPORT_STATUSES, byAddress, matchConfidence, matchKeys, parseSupportList, supportStatus,
  type CheckedInPerson, type ColumnMapping, type MatchConfidence, type SupportDecisions, type SupportMatch, type SupportPerson, type SupportStatus,
} from '../../../domain/support-list';
import { bearerToken, verifyToken } from '../../core/auth';
import type { DerivedLayers } from '../derived-layers';
import type { DocRegistry } from '../../core/registry';
import type { DocStore } from '../../store/types';
import { type HqContext, requireHq } from '../../routes/hq';
import { readJson, sendJson, type Route } from '../../routes/router';

export const PERSON_KIND = 'support-person';
export const DECISION_KIND = 'support-decision';
const SETTINGS_ID = 'support-list';
const FOLLOW_MS = 10_000;
const MAX_UPLOAD = 32 * 1024 * 1024;
const DAY_MS = 86_400_000;
const WHO = '避難行動要支援者名簿';

interface ListState {
  uploadedAt: string | null;
  count: number;
  opened: { at: string; by: string; reason: string } | null;
  closedAt: string | null;
}

const EMPTY_STATE: ListState = { uploadedAt: null, count: 0, opened: null, closedAt: null };

export interface DistrictCounts {
  id: string;
  name: string;
  total: number;
  inShelter: number;
  reported: number;
  confirmed: number;
  unaccounted: number;
}

const NO_MATCHES: readonly { id: string; confidence: MatchConfidence }[] = [];

/**
 * A check-in as the matcher keeps it, with whom on the list it matches, worked out once per
 * version of the list (`matchedFor`). On the row itself rather than in a WeakMap beside it: a
 * disaster day has a row for each of 183,000 people, and a WeakMap entry is an ephemeron, which
 * a full garbage collection has to revisit until nothing changes.
 */
interface Row extends CheckedInPerson {
  matchedFor: number;
  matches: readonly { id: string; confidence: MatchConfidence }[];
}

export class SupportListService {
  private state: ListState = EMPTY_STATE;
  private stamp = '';
  private people = new Map<string, SupportPerson>();
  /** Name key → listed ids. */
  private index = new Map<string, string[]>();
  /** What a match reads of each shelter, as of the document's sequence number (a re-upload reads no document again). */
  private extracted = new Map<string, { seq: number; people: Row[] }>();
  /** Per loaded shelter document: which people changed since the last rescan, and the rows read before. */
  private readonly scans = new WeakMap<Y.Doc, { changes: PeopleChanges; rows: Map<string, Row> }>();
  /** The version of the list rows were matched against (a row matched for an older one is matched again). */
  private listVersion = 1;
  private readonly shadowScans = new WeakMap<PeopleShadow, { seen: number; rows: Row[] }>();
  /** Shelter id → listed id → matches in that shelter. */
  private matches = new Map<string, Map<string, SupportMatch[]>>();
  private timer: NodeJS.Timeout | null = null;
  private offSummary: (() => void) | null = null;
  private pending = new Set<string>();
  private rescanTimer: NodeJS.Timeout | null = null;
  /** Resolves when the last rescan is done (tests, the bench). */
  idle: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { store: DocStore; derived: DerivedLayers; registry: DocRegistry; clock: () => Date; hq: HqContext; log: (l: string) => void }) {}

  async start(): Promise<void> {
    await this.follow();
    this.timer = setInterval(() => void this.follow().catch(() => undefined), FOLLOW_MS);
    this.timer.unref();
    // A shelter's summary changed: its check-ins may match listed people.
    this.offSummary = this.deps.derived.onSummary((change) => {
      if (this.people.size === 0) return;
      const m = /"shelterId":("(?:[^"\\]|\\.)*")/.exec(change.data);
      if (m) this.rescanSoon(JSON.parse(m[1]) as string);
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    this.offSummary?.();
  }

  /** Reloads the list when another instance (or this one) changed it. */
  private async follow(force = false): Promise<void> {
    const rec = await this.deps.store.getRecord('settings', SETTINGS_ID);
    const stamp = rec?.data ?? '';
    if (!force && stamp === this.stamp) return;
    this.stamp = stamp;
    this.state = rec ? (JSON.parse(rec.data) as ListState) : EMPTY_STATE;
    const previousUpload = [...this.people.keys()].length;
    const people = new Map<string, SupportPerson>();
    for (const r of await this.deps.store.listRecords(PERSON_KIND)) people.set(r.id, JSON.parse(r.data) as SupportPerson);
    const changed = people.size !== previousUpload || [...people].some(([id, p]) => JSON.stringify(this.people.get(id)) !== JSON.stringify(p));
    this.people = people;
    if (changed || force) await this.matchAll();
  }

  private async saveState(patch: Partial<ListState>): Promise<void> {
    this.state = { ...this.state, ...patch };
    await this.deps.store.putRecord({ kind: 'settings', id: SETTINGS_ID, grp: '', data: JSON.stringify(this.state) }, this.deps.clock());
    this.stamp = JSON.stringify(this.state);
  }

  private rebuildIndex(): void {
    this.index = new Map();
    this.listVersion++;
    for (const p of this.people.values()) {
      for (const k of matchKeys(p.name, p.kana)) {
        const list = this.index.get(k);
        if (list) list.push(p.id);
        else this.index.set(k, [p.id]);
      }
    }
  }

  /** Matches every shelter's check-ins against the list (upload, restart, another instance's upload). */
  async matchAll(opts: { cold?: boolean } = {}): Promise<void> {
    if (opts.cold) this.extracted.clear();
    this.rebuildIndex();
    this.matches = new Map();
    if (this.people.size === 0) return;
    const seqs = await this.deps.store.lastSeqs();
    for (const [name, seq] of seqs) {
      const ref = parseDocName(name);
      if (ref?.kind === 'shelter') await this.rescan(ref.shelterId, seq);
    }
  }

  private rescanSoon(shelterId: string): void {
    this.pending.add(shelterId);
    this.rescanTimer ??= setTimeout(() => {
      this.rescanTimer = null;
      const ids = [...this.pending];
      this.pending.clear();
      this.idle = this.idle.then(async () => {
        for (const id of ids) await this.rescan(id).catch(() => undefined);
      });
    }, 50);
  }

  /** Matches one shelter's check-ins (a changed shelter: a few ms for a thousand people). */
  async rescan(shelterId: string, knownSeq?: number): Promise<void> {
    const cached = this.extracted.get(shelterId);
    if (cached && knownSeq !== undefined && cached.seq === knownSeq) return this.matchShelter(shelterId, cached.people);
    // Only the fields a match reads, straight from the document (no full person records, no
    // sorting): a thousand people in a few milliseconds once the document is loaded.
    let seq = 0;
    const checkedIn = await this.deps.registry.peek(shelterDocName(shelterId), (live) => {
      seq = live.lastSeq;
      // A shelter held encoded while check-ins arrive is read from its shadow (core/registry.ts).
      const shadow = live.isHot ? null : live.shadow;
      return shadow ? this.checkedInOfShadow(shelterId, shadow) : this.checkedInOf(shelterId, live.doc);
    });
    this.extracted.set(shelterId, { seq, people: checkedIn });
    this.matchShelter(shelterId, checkedIn);
  }

  /**
   * The check-ins of a shelter document, re-reading only the people changed since the last time
   * (a rescan follows every summary of the shelter: on a disaster day, about once a second for
   * each of hundreds of shelters). Unchanged people keep their row, and with it their matches.
   */
  private checkedInOf(shelterId: string, doc: Y.Doc): Row[] {
    let scan = this.scans.get(doc);
    if (!scan) this.scans.set(doc, (scan = { changes: new PeopleChanges(doc), rows: new Map() }));
    const people = scan.changes.people;
    for (const personId of scan.changes.take()) {
      const m = people.get(personId);
      if (!(m instanceof Y.Map)) {
        scan.rows.delete(personId);
        continue;
      }
      scan.rows.set(personId, checkedInRow(shelterId, personId, m));
    }
    return [...scan.rows.values()];
  }

  /** The same from a shelter's shadow, which only grows: the people added since the last rescan are read. */
  private checkedInOfShadow(shelterId: string, shadow: PeopleShadow): Row[] {
    let scan = this.shadowScans.get(shadow);
    if (!scan) this.shadowScans.set(shadow, (scan = { seen: 0, rows: [] }));
    for (; scan.seen < shadow.order.length; scan.seen++) {
      const personId = shadow.order[scan.seen];
      const m = shadow.people.get(personId);
      if (m) scan.rows.push(checkedInRow(shelterId, personId, m));
    }
    return [...scan.rows];
  }

  /**
   * Whom on the list a check-in matches, worked out once per row (checkedInOf keeps the rows of
   * unchanged people) and forgotten when the list changes: a rescan of an unchanged person is
   * one lookup.
   */
  private rowMatches(c: Row): readonly { id: string; confidence: MatchConfidence }[] {
    if (c.matchedFor !== this.listVersion) {
      const candidates = new Set<string>();
      for (const k of matchKeys(c.name, c.kana)) for (const id of this.index.get(k) ?? []) candidates.add(id);
      const out: { id: string; confidence: MatchConfidence }[] = [];
      for (const id of candidates) {
        const confidence = matchConfidence(this.people.get(id)!, c);
        if (confidence) out.push({ id, confidence });
      }
      c.matches = out.length > 0 ? out : NO_MATCHES;
      c.matchedFor = this.listVersion;
    }
    return c.matches;
  }

  private matchShelter(shelterId: string, checkedIn: readonly Row[]): void {
    const found = new Map<string, SupportMatch[]>();
    for (const c of checkedIn) {
      for (const { id, confidence } of this.rowMatches(c)) {
        const list = found.get(id) ?? [];
        list.push({ shelterId, personId: c.personId, confidence, present: c.present });
        found.set(id, list);
      }
    }
    if (found.size === 0) this.matches.delete(shelterId);
    else this.matches.set(shelterId, found);
  }

  private async decisions(): Promise<Map<string, SupportDecisions>> {
    return new Map((await this.deps.store.listRecords(DECISION_KIND)).map((r) => [r.id, JSON.parse(r.data) as SupportDecisions]));
  }

  private matchesOf(id: string): SupportMatch[] {
    const out: SupportMatch[] = [];
    for (const m of this.matches.values()) out.push(...(m.get(id) ?? []));
    return out;
  }

  private districtNames(): Map<string, string> {
    const out = new Map<string, string>();
    const hq = this.deps.derived.hqDoc();
    if (hq) hqDistricts(hq).forEach((m, id) => out.set(id, asString(m.get('name'), id)));
    return out;
  }

  /** Every listed person with their status, and counts per district. */
  async statuses(): Promise<{ people: (SupportPerson & { status: SupportStatus; match: SupportMatch | null; decisions: SupportDecisions })[]; districts: DistrictCounts[] }> {
    const decisions = await this.decisions();
    const names = this.districtNames();
    const counts = new Map<string, DistrictCounts>();
    const people = [...this.people.values()].map((p) => {
      const d = decisions.get(p.id) ?? {};
      const { status, match } = supportStatus(this.matchesOf(p.id), d);
      const c = counts.get(p.district) ?? { id: p.district, name: names.get(p.district) ?? p.district, total: 0, inShelter: 0, reported: 0, confirmed: 0, unaccounted: 0 };
      c.total++;
      if (status === 'in-shelter') c.inShelter++;
      else if (status === 'reported') c.reported++;
      else if (status === 'confirmed') c.confirmed++;
      else c.unaccounted++;
      counts.set(p.district, c);
      return { ...p, status, match, decisions: d };
    });
    return { people, districts: [...counts.values()].sort((a, b) => b.unaccounted - a.unaccounted || a.name.localeCompare(b.name, 'ja')) };
  }

  /** Counts only (the board, the wall, a shelter's staff): no names. */
  async counts(): Promise<{ sealed: boolean; districts: DistrictCounts[] }> {
    return { sealed: !this.state.opened, districts: (await this.statuses()).districts };
  }

  /** Erases decisions derived from a closed list once past the retention period. */
  async purgeDerived(now = this.deps.clock()): Promise<number> {
    const hq = this.deps.derived.hqDoc();
    if (!hq || this.state.opened || !this.state.closedAt) return 0;
    if (Date.parse(this.state.closedAt) + retentionDays(hq) * DAY_MS > now.getTime()) return 0;
    const n = await this.deps.store.deleteRecords(DECISION_KIND, 'all', { erase: true });
    if (n > 0) this.deps.log(`erased ${n} support-list decision(s) past the retention period`);
    return n;
  }

  private async audit(claims: { jti: string; device?: string }, relation: string, query: string, answered: number): Promise<void> {
    await this.deps.store.appendAudit({ at: this.deps.clock().toISOString(), jti: claims.jti, device: claims.device ?? null, askedBy: WHO, relation, query, answered, answer: '' });
  }

  routes(): Route[] {
    const { hq, store, clock } = this.deps;
    const denied = (res: ServerResponse) => sendJson(res, 403, { error: 'sealed' });
    const audited = async (res: ServerResponse, run: () => Promise<void>): Promise<boolean> => {
      try {
        await run();
        return true;
      } catch {
        sendJson(res, 503, { error: 'audit-unavailable' });
        return false;
      }
    };
    const body = async (req: IncomingMessage, res: ServerResponse): Promise<Record<string, unknown> | null> => {
      try {
        const b = await readJson(req, 8 * 1024);
        return b && typeof b === 'object' ? (b as Record<string, unknown>) : {};
      } catch {
        sendJson(res, 400, { error: 'body' });
        return null;
      }
    };
    type Act = (req: IncomingMessage, res: ServerResponse, url: URL, id?: string) => Promise<void>;
    const actions = new Map<string, Act>();
    const withPerson = (fn: (claims: { jti: string; device?: string }, person: SupportPerson, b: Record<string, unknown>, res: ServerResponse) => Promise<void>): Act => async (req, res, url, id) => {
      const claims = await requireHq(hq, req, res, url);
      if (!claims) return;
      if (!this.state.opened) return denied(res);
      const person = id === undefined ? undefined : this.people.get(id);
      if (!person) return sendJson(res, 404, { error: 'not-found' });
      const b = await body(req, res);
      if (!b) return;
      await fn(claims, person, b, res);
    };
    const decide = async (id: string, patch: (d: SupportDecisions) => SupportDecisions) => {
      const rec = await store.getRecord(DECISION_KIND, id);
      const next = patch(rec ? (JSON.parse(rec.data) as SupportDecisions) : {});
      await store.putRecord({ kind: DECISION_KIND, id, grp: '', data: JSON.stringify(next) }, clock());
    };
    const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim().length <= max ? v.trim() : null);
    actions.set('confirm', withPerson(async (claims, person, b, res) => {
      const where = text(b.where, 200);
      const method = b.method === 'phone' || b.method === 'visit' || b.method === 'other' ? b.method : null;
      if (!where || !method) return sendJson(res, 400, { error: !where ? 'where' : 'method' });
      const by = text(b.by, 100) || (claims.device ?? claims.jti);
      const note = text(b.note, 500) || null;
      if (!(await audited(res, () => this.audit(claims, 'confirm', person.id, 1)))) return;
      await decide(person.id, (d) => ({ ...d, confirmation: { by, at: clock().toISOString(), where, method, note } }));
      sendJson(res, 200, { id: person.id, status: 'confirmed' });
    }));
    actions.set('unconfirm', withPerson(async (claims, person, _b, res) => {
      if (!(await audited(res, () => this.audit(claims, 'unconfirm', person.id, 1)))) return;
      await decide(person.id, (d) => ({ ...d, confirmation: null }));
      sendJson(res, 200, { id: person.id });
    }));
    actions.set('report', withPerson(async (claims, person, b, res) => {
      const by = text(b.by, 100);
      if (!by) return sendJson(res, 400, { error: 'by' });
      if (!(await audited(res, () => this.audit(claims, 'report', person.id, 1)))) return;
      await decide(person.id, (d) => ({ ...d, report: { by, at: clock().toISOString(), note: text(b.note, 500) || null } }));
      sendJson(res, 200, { id: person.id });
    }));
    actions.set('match', withPerson(async (claims, person, b, res) => {
      const key = typeof b.shelterId === 'string' && typeof b.personId === 'string' ? `${b.shelterId}/${b.personId}` : null;
      if (!key || (b.decision !== 'confirm' && b.decision !== 'reject')) return sendJson(res, 400, { error: 'match' });
      if (!(await audited(res, () => this.audit(claims, `match-${b.decision}`, person.id, 1)))) return;
      await decide(person.id, (d) => ({
        ...d,
        rejected: b.decision === 'reject' ? [...new Set([...(d.rejected ?? []), key])] : (d.rejected ?? []).filter((k) => k !== key),
        accepted: b.decision === 'confirm' ? key : d.accepted === key ? null : (d.accepted ?? null),
      }));
      sendJson(res, 200, { id: person.id });
    }));

    const districtMap = () => this.districtNames();
    const csv = (res: ServerResponse, file: string, header: string[], rows: string[][]) => {
      res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file)}`, 'Cache-Control': 'no-store' });
      res.end(CSV_BOM + [csvLine(header), ...rows.map(csvLine)].join('\r\n') + '\r\n');
    };
    const HEADER = ['地区', '住所', '氏名', 'ふりがな', '生年月日', '電話', '避難支援を要する事由', '避難支援等関係者'];
    const row = (p: SupportPerson, names: Map<string, string>) => [names.get(p.district) ?? p.district, p.address, p.name, p.kana, p.birthDate ?? '', p.phone, p.reason, p.supporters];

    return [
      {
        // POST /api/hq/support-list/people/<id>/(confirm|unconfirm|report|match)
        method: 'POST',
        path: '/api/hq/support-list/people/',
        prefix: true,
        handler: async (req, res, url) => {
          const rest = url.pathname.slice('/api/hq/support-list/people/'.length);
          const slash = rest.lastIndexOf('/');
          const act = slash > 0 ? actions.get(rest.slice(slash + 1)) : undefined;
          if (!act) return sendJson(res, 404, { error: 'not-found' });
          let id: string;
          try {
            id = decodeURIComponent(rest.slice(0, slash));
          } catch {
            return sendJson(res, 404, { error: 'not-found' });
          }
          return act(req, res, url, id);
        },
      },
      {
        method: 'POST',
        path: '/api/hq/support-list',
        handler: async (req, res, url) => {
          const claims = await requireHq(hq, req, res, url);
          if (!claims) return;
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const c of req) {
            size += (c as Buffer).length;
            if (size > MAX_UPLOAD) return sendJson(res, 413, { error: 'too-large' });
            chunks.push(c as Buffer);
          }
          const { text: csvText, encoding } = decodeFileBytes(new Uint8Array(Buffer.concat(chunks)));
          let override: ColumnMapping = {};
          try {
            override = JSON.parse(url.searchParams.get('columns') ?? '{}') as ColumnMapping;
          } catch {
            return sendJson(res, 400, { error: 'columns' });
          }
          const parsed = parseSupportList(csvText, districtMap(), override, clock());
          if (!parsed.ok) return sendJson(res, 400, { error: parsed.error.kind, ...(parsed.error.kind === 'missing-columns' ? { columns: parsed.error.columns, header: parsed.error.header } : {}) });
          const { people, bad, mapping, header } = parsed.value;
          let added = 0;
          let updated = 0;
          for (const p of people) {
            const old = this.people.get(p.id);
            if (!old) added++;
            else if (JSON.stringify(old) !== JSON.stringify(p)) updated++;
          }
          const summary = {
            encoding, header, mapping: Object.fromEntries(Object.entries(mapping).map(([f, i]) => [f, header[i as number]])),
            total: people.length, added, updated, unchanged: people.length - added - updated, bad,
            districts: [...people.reduce((m, p) => m.set(p.district, (m.get(p.district) ?? 0) + 1), new Map<string, number>())].map(([id, total]) => ({ id, total })),
          };
          if (url.searchParams.get('preview') === '1') return sendJson(res, 200, { ...summary, preview: true });
          if (!(await audited(res, () => this.audit(claims, 'upload', '', people.length)))) return;
          // Re-upload: the same people by their stable key (updated, never duplicated); people no
          // longer on the city's list leave it.
          const keep = new Set(people.map((p) => p.id));
          const gone = [...this.people.keys()].filter((id) => !keep.has(id));
          if (gone.length) await store.deleteRecords(PERSON_KIND, gone, { erase: true });
          await store.putRecords(people.map((p) => ({ kind: PERSON_KIND, id: p.id, grp: p.district, data: JSON.stringify(p) })), clock());
          await this.saveState({ uploadedAt: clock().toISOString(), count: people.length });
          await this.follow(true);
          sendJson(res, 200, { ...summary, removed: gone.length });
        },
      },
      {
        method: 'POST',
        path: '/api/hq/support-list/open',
        handler: async (req, res, url) => {
          const claims = await requireHq(hq, req, res, url);
          if (!claims) return;
          const b = await body(req, res);
          if (!b) return;
          const reason = text(b.reason, 200);
          if (!reason || reason.length < 2) return sendJson(res, 400, { error: 'reason' });
          if (this.people.size === 0) return sendJson(res, 409, { error: 'no-list' });
          if (!(await audited(res, () => this.audit(claims, 'open', reason, this.people.size)))) return;
          await this.saveState({ opened: { at: clock().toISOString(), by: claims.device ?? claims.jti, reason }, closedAt: null });
          sendJson(res, 200, { sealed: false, opened: this.state.opened });
        },
      },
      {
        method: 'POST',
        path: '/api/hq/support-list/close',
        handler: async (req, res, url) => {
          const claims = await requireHq(hq, req, res, url);
          if (!claims) return;
          if (!(await audited(res, () => this.audit(claims, 'close', '', this.people.size)))) return;
          await this.saveState({ opened: null, closedAt: clock().toISOString() });
          sendJson(res, 200, { sealed: true });
        },
      },
      {
        method: 'DELETE',
        path: '/api/hq/support-list',
        handler: async (req, res, url) => {
          const claims = await requireHq(hq, req, res, url);
          if (!claims) return;
          if (!(await audited(res, () => this.audit(claims, 'delete', '', this.people.size)))) return;
          await store.deleteRecords(PERSON_KIND, 'all', { erase: true });
          await store.deleteRecords(DECISION_KIND, 'all', { erase: true });
          await this.saveState(EMPTY_STATE);
          await this.follow(true);
          res.writeHead(204);
          res.end();
        },
      },
      {
        method: 'GET',
        path: '/api/hq/support-list/status',
        handler: async (req, res, url) => {
          const claims = await requireHq(hq, req, res, url);
          if (!claims) return;
          const { people, districts } = await this.statuses();
          const base = { sealed: !this.state.opened, uploadedAt: this.state.uploadedAt, total: people.length, opened: this.state.opened, closedAt: this.state.closedAt, districts };
          // Counts only (the board, the wall): no names, nothing to audit.
          if (!this.state.opened || url.searchParams.get('counts') === '1') return sendJson(res, 200, base, { 'Cache-Control': 'no-store' });
          if (!(await audited(res, () => this.audit(claims, 'view', url.searchParams.get('district') ?? '', people.length)))) return;
          const names = new Map<string, string>();
          const hqDoc = this.deps.derived.hqDoc();
          if (hqDoc) hqShelters(hqDoc).forEach((m, id) => names.set(id, asString(m.get('name'), id)));
          sendJson(
            res,
            200,
            {
              ...base,
              people: people.sort(byAddress).map((p) => ({
                id: p.id, name: p.name, kana: p.kana, district: p.district, status: p.status, birthDate: p.birthDate, address: p.address, phone: p.phone,
                reason: p.reason, supporters: p.supporters, consent: p.consent,
                shelterId: p.match?.shelterId ?? null, shelterName: p.match ? (names.get(p.match.shelterId) ?? p.match.shelterId) : null,
                match: p.match, matches: this.matchesOf(p.id).map((m) => ({ ...m, shelterName: names.get(m.shelterId) ?? m.shelterId })), decisions: p.decisions,
              })),
            },
            { 'Cache-Control': 'no-store' },
          );
        },
      },
      {
        method: 'GET',
        path: '/api/hq/support-list/unaccounted.csv',
        handler: async (req, res, url) => {
          const claims = await requireHq(hq, req, res, url);
          if (!claims) return;
          if (!this.state.opened) return denied(res);
          const district = url.searchParams.get('district');
          const list = (await this.statuses()).people.filter((p) => p.status === 'unaccounted' && (!district || p.district === district)).sort(byAddress);
          if (!(await audited(res, () => this.audit(claims, 'export-unaccounted', district ?? '', list.length)))) return;
          const names = districtMap();
          csv(res, `所在未確認_${district ? (names.get(district) ?? district) : '全地区'}.csv`, HEADER, list.map((p) => row(p, names)));
        },
      },
      {
        method: 'GET',
        path: '/api/hq/support-list/consenting.csv',
        handler: async (req, res, url) => {
          // Before a disaster: only those who agreed (平常時提供同意), for the supporters who train with it.
          const claims = await requireHq(hq, req, res, url);
          if (!claims) return;
          const district = url.searchParams.get('district');
          const list = [...this.people.values()].filter((p) => p.consent && (!district || p.district === district)).sort(byAddress);
          if (!(await audited(res, () => this.audit(claims, 'export-consenting', district ?? '', list.length)))) return;
          const names = districtMap();
          csv(res, `平常時提供_${district ? (names.get(district) ?? district) : '全地区'}.csv`, HEADER, list.map((p) => row(p, names)));
        },
      },
      {
        // A shelter's staff: one number, never a name — listed people of the shelter's district still unaccounted for.
        method: 'GET',
        path: '/api/shelter/support-count',
        handler: async (req, res, url) => {
          const v = await verifyToken(this.deps.hq.keys, store, bearerToken(req.headers.authorization, url), clock());
          if (!v.ok) return sendJson(res, 401, { error: `token ${v.error}` });
          if (v.value.role !== 'staff' || !v.value.shelter) return sendJson(res, 403, { error: 'a staff token is required' });
          const hqDoc = this.deps.derived.hqDoc();
          const district = hqDoc ? asString(hqShelters(hqDoc).get(v.value.shelter)?.get('districtId')) : '';
          if (!this.state.opened || !district) return sendJson(res, 200, { open: false }, { 'Cache-Control': 'no-store' });
          const c = (await this.statuses()).districts.find((d) => d.id === district);
          sendJson(res, 200, { open: true, district, districtName: c?.name ?? district, unaccounted: c?.unaccounted ?? 0 }, { 'Cache-Control': 'no-store' });
        },
      },
    ];
  }
}

export { SUPPORT_STATUSES };

/** What a match reads of one checked-in person (a live Y.Map or a shadow's record). */
function checkedInRow(shelterId: string, personId: string, m: FieldReader): Row {
  const year = m.get('birthYear');
  return {
    shelterId, personId, name: asString(m.get('name')), kana: asString(m.get('kana')),
    birthYear: typeof year === 'number' ? year : null, present: isPresent({ checkedOutAt: m.get('checkedOutAt') }), protected: asProtected(m.get('protected')),
    matchedFor: 0, matches: NO_MATCHES,
  };
}
