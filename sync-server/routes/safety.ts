// The safety-answer desk (安否照会) on the server, where the rules cannot be bypassed: HQ's desk
// asks with a name and the caller's relation; the answer holds only people whose consent covers
// that relation and never a protected person (domain/safety-answers.ts); every question is
// written to the audit log before the answer leaves, and an answer that could not be logged is
// not given. A token may ask at most QUERIES_PER_MINUTE times a minute (a desk answers phone
// calls; a script walking a list of names is not a desk).
import { HQ_DOC, hqMeta, hqShelters, type Person } from '../../domain/schema';
import { type PfifEntry, pfifXml, validPfifDomain } from '../../domain/pfif';
import { purgeDueAt, retentionDays } from '../../domain/retention';
import { readPeople } from '../../domain/people';
import { answersFor, describeQuery, validateSafetyQuery, type Relation, type SafetyAnswer, type SafetyQuery } from '../../domain/safety-answers';
import { CSV_BOM, csvLine } from '../../domain/roster-csv';
import { asString } from '../../domain/coerce';
import type { DocRegistry } from '../core/registry';
import { readJson, sendJson, type Route } from './router';
import { type HqContext, requireHq } from './hq';

export const QUERIES_PER_MINUTE = 30;
const MAX_ASKED_BY = 200;

export interface SafetyContext extends HqContext {
  registry: DocRegistry;
}

export function safetyRoutes(ctx: SafetyContext): Route[] {
  const recent = new Map<string, number[]>();
  const allow = (jti: string, now: number): boolean => {
    const times = (recent.get(jti) ?? []).filter((t) => now - t < 60_000);
    if (times.length >= QUERIES_PER_MINUTE) {
      recent.set(jti, times);
      return false;
    }
    times.push(now);
    recent.set(jti, times);
    return true;
  };

  // Each shelter's people as of its last stored sequence number: a question reloads only the
  // shelters that changed since the last one (300 shelters would otherwise mean 300 document
  // loads per phone call).
  const people = new Map<string, { seq: number; people: Person[] }>();
  const peopleOf = async (docName: string, seq: number): Promise<Person[]> => {
    const cached = people.get(docName);
    if (cached && cached.seq === seq) return cached.people;
    const fresh = await ctx.registry.peek(docName, (live) => readPeople(live.doc));
    people.set(docName, { seq, people: fresh });
    return fresh;
  };

  /** Registered names of the shelters (the hq document is pinned by derived-layers.ts: no load). */
  const shelterNames = () =>
    ctx.registry.peek(HQ_DOC, (live) => {
      const m = new Map<string, string>();
      hqShelters(live.doc).forEach((s, id) => m.set(id, asString(s.get('name'), id)));
      return m;
    });

  /**
   * PFIF's expiry of a record: its shelter's purge date when closed, else a retention period from
   * the person's last change (stable from one export to the next, never "now + n days").
   */
  const expiryOf = (shelterId: string, days: number, p: Person): string => {
    const summary = ctx.derived.overview().shelters.find((s) => s.shelterId === shelterId);
    const last = Math.max(Date.parse(p.checkedInAt) || 0, Date.parse(p.checkedOutAt ?? '') || 0);
    return (summary?.status === 'closed' && purgeDueAt(summary.closedAt, days)) || new Date(last + days * 86_400_000).toISOString();
  };

  return [
    {
      // PFIF 1.4 for person-finder aggregators (domain/pfif.ts): consenting people only. Each
      // export is in the audit log (how many records left, for whom), never the names.
      method: 'GET',
      path: '/api/hq/pfif.xml',
      handler: async (req, res, url) => {
        // The feed is fetched by tools and aggregators: a token in the URL would land in their logs.
        if (url.searchParams.has('token')) return sendJson(res, 400, { error: 'token-in-url', hint: 'send the token as Authorization: Bearer' });
        const claims = await requireHq(ctx, req, res, url);
        if (!claims) return;
        const now = ctx.clock();
        const [seqs, names, hq] = await Promise.all([
          ctx.store.lastSeqs(),
          shelterNames(),
          ctx.registry.peek(HQ_DOC, (live) => ({
            region: asString(hqMeta(live.doc).get('region')),
            days: retentionDays(live.doc),
            domain: validPfifDomain(process.env.HINANJO_PFIF_DOMAIN) ?? validPfifDomain(hqMeta(live.doc).get('pfifDomain')),
          })),
        ]);
        // One domain for every export (record ids must not change with the host asked): configured first.
        if (!hq.domain) return sendJson(res, 409, { error: 'pfif-domain', hint: 'set the record-id domain at HQ (安否照会) or HINANJO_PFIF_DOMAIN' });
        const entries: PfifEntry[] = [];
        for (const [docName, seq] of seqs) {
          if (!docName.startsWith('shelter/')) continue;
          const id = docName.slice('shelter/'.length);
          for (const person of await peopleOf(docName, seq)) entries.push({ person, shelterId: id, shelterName: names.get(id) ?? id, expiresAt: expiryOf(id, hq.days, person) });
        }
        const feed = pfifXml(entries, { domain: hq.domain, sourceName: hq.region || 'Hinanjo', now });
        const xml = feed.xml;
        try {
          await ctx.store.appendAudit({
            at: now.toISOString(), jti: claims.jti, device: claims.device ?? null, askedBy: 'PFIF 1.4', relation: 'feed', query: '', answered: feed.records,
            // Counts only: which records were unreadable is for the shelter to fix, not for the log.
            answer: feed.skipped > 0 ? `skipped ${feed.skipped} unreadable record(s)` : '',
          });
        } catch (e) {
          console.error(`PFIF export not logged, not given: ${(e as Error).message}`);
          return sendJson(res, 503, { error: 'audit-unavailable' });
        }
        res.writeHead(200, { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(xml);
      },
    },
    {
      method: 'POST',
      path: '/api/hq/safety-inquiries',
      handler: async (req, res, url) => {
        const claims = await requireHq(ctx, req, res, url);
        if (!claims) return;
        let body: { name?: unknown; relation?: unknown; askedBy?: unknown; birthYear?: unknown };
        try {
          body = (await readJson(req)) as typeof body;
        } catch {
          return sendJson(res, 400, { error: 'malformed' });
        }
        const invalid = validateSafetyQuery(body ?? {}, new Date().getUTCFullYear());
        if (invalid) return sendJson(res, 400, { error: invalid });
        const askedBy = typeof body.askedBy === 'string' ? body.askedBy.trim().slice(0, MAX_ASKED_BY) : '';
        const now = ctx.clock();
        if (!allow(claims.jti, now.getTime())) return sendJson(res, 429, { error: 'rate-limited' }, { 'Retry-After': '60' });
        const query: SafetyQuery = { name: String(body.name).trim(), relation: body.relation as Relation, birthYear: typeof body.birthYear === 'number' ? body.birthYear : null };
        const answers: SafetyAnswer[] = [];
        // One read gives every stored document and how far it is: which shelters to ask, and
        // which cached rosters are still current.
        const [seqs, names] = await Promise.all([ctx.store.lastSeqs(), shelterNames()]);
        for (const [docName, seq] of seqs) {
          if (!docName.startsWith('shelter/')) continue;
          const id = docName.slice('shelter/'.length);
          answers.push(...answersFor(await peopleOf(docName, seq), query, { id, name: names.get(id) ?? id }));
        }
        try {
          await ctx.store.appendAudit({
            at: now.toISOString(),
            jti: claims.jti,
            device: claims.device ?? null,
            askedBy,
            relation: query.relation,
            query: describeQuery(query),
            answered: answers.length,
            answer: answers.map((a) => `${a.name} — ${a.shelterName} (${a.present ? 'present' : 'left'})`).join('\n'),
          });
        } catch (e) {
          console.error(`safety inquiry not logged, not answered: ${(e as Error).message}`);
          return sendJson(res, 503, { error: 'audit-unavailable' });
        }
        sendJson(res, 200, { answers }, { 'Cache-Control': 'no-store' });
      },
    },
    {
      method: 'GET',
      path: '/api/hq/safety-inquiries/audit.csv',
      handler: async (req, res, url) => {
        if (!(await requireHq(ctx, req, res, url))) return;
        const rows = await ctx.store.listAudit();
        const lines = [csvLine(['at', 'jti', 'device', 'asked_by', 'relation', 'query', 'answered', 'answer'])];
        for (const r of rows) lines.push(csvLine([r.at, r.jti, r.device ?? '', r.askedBy, r.relation, r.query, String(r.answered), r.answer]));
        const csv = CSV_BOM + lines.join('\r\n') + '\r\n';
        res.writeHead(200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': 'attachment; filename="safety-inquiries-audit.csv"',
          'Cache-Control': 'no-store',
        });
        res.end(csv);
      },
    },
  ];
}
