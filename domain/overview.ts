// One shelter at a glance: the tablet's overview screen, the HQ overview and (through
// status.ts) the public status are all built from this summary. The server recomputes it after
// every change of a shelter document, so it reads the document in place and copies nothing
// it does not return.
import type * as Y from 'yjs';
import type { AgeGroup, ShelterStatus, StayType, SupplyRequest } from './schema';
import { shelterMeta, shelterPeople } from './schema';
import { asShelterStatus, asStringOrNull } from './coerce';
import { JAPAN_TZ_OFFSET_MINUTES, peopleServed, tallyShelterPeople, type PeopleTally } from './counts';
import { LOW_STOCK_DAYS, readItems, stockOnHand, supplyRows } from './stock';
import { closedRequests, pendingRequests } from './requests';
import { reportedCapacity } from './capacity';
import type { LivePeopleTally } from './people-tally';

export interface LowStockItem {
  item: string;
  name: string;
  /** Days of supply at today's count; null for an item without a daily ration. */
  daysLeft: number | null;
  onHand: number;
  /** Below zero (see SupplyStatusRow.negative): listed first. */
  negative: boolean;
}

/**
 * What one summary may carry: a summary goes to every HQ screen on each change, so whatever a
 * tablet writes without bound (request notes, item names, needs) is cut here. The details stay
 * in the shelter's document, which HQ opens on demand (an edit, an export).
 */
export const SUMMARY_LIMITS = {
  /** Open and acknowledged requests listed (the oldest first: they have waited longest). */
  requests: 30,
  noteChars: 140,
  /** Item ids, names and units. */
  shortChars: 64,
  /** Distinct needs counted by name (the most frequent). */
  needs: 40,
  lowStock: 20,
} as const;

export interface ShelterSummary {
  shelterId: string;
  status: ShelterStatus;
  /** Checked in and not checked out, by stay type. */
  present: Record<StayType, number>;
  /** Per special need, people present who have it. */
  needs: Record<string, number>;
  ageGroups: Record<AgeGroup, number>;
  /** Check-ins and check-outs since local midnight (Japan time unless told otherwise). */
  arrivalsToday: number;
  departuresToday: number;
  /** Open and acknowledged requests, oldest first, at most SUMMARY_LIMITS.requests, notes cut to SUMMARY_LIMITS.noteChars. */
  openRequests: SupplyRequest[];
  /** How many requests are open and acknowledged in all (openRequests may list fewer). */
  requestCounts?: { open: number; acknowledged: number };
  /** Delivered and cancelled requests, the latest CLOSED_REQUESTS_KEPT, newest first (HQ's history). */
  closedRequests?: SupplyRequest[];
  /** Items below zero, then items with a daily ration whose stock lasts less than the threshold, shortest first. */
  lowStock: LowStockItem[];
  /** When the document last changed as seen by whoever computes this (the server's receipt time). */
  lastUpdateAt: string | null;
  /** Retention (retention.ts): when the shelter closed, when its roster was purged, how many people are on record. */
  closedAt?: string | null;
  purgedAt?: string | null;
  peopleOnRecord?: number;
  /** After a purge: how many people and households the shelter took in (the counts that stay). */
  retained?: { people: number; households: number } | null;
  /** The capacity the shelter's staff reported (used where the registry has none). */
  reportedCapacity?: number | null;
}

export interface SummaryOptions {
  /** Minutes east of UTC for "today"; Japan (UTC+9) by default. */
  tzOffsetMinutes?: number;
  /** Days of supply below which an item is low; 2 by default. */
  lowStockDays?: number;
  /**
   * The document's headcount kept as it changes (people-tally.ts), for a caller that summarizes
   * the same document often: each summary then re-reads only the people who changed.
   */
  people?: LivePeopleTally;
}

export function summarizeShelter(
  doc: Y.Doc,
  shelterId: string,
  now: Date,
  lastUpdateAt: string | null = null,
  options: SummaryOptions = {},
): ShelterSummary {
  const tally = options.people
    ? options.people.tally(now)
    : tallyShelterPeople(doc, now, options.tzOffsetMinutes ?? JAPAN_TZ_OFFSET_MINUTES);
  const records = options.people ? options.people.records : shelterPeople(doc).size;
  return assembleSummary(summaryParts(doc), tally, records, shelterId, lastUpdateAt, options);
}

/**
 * Everything of a summary that is not the people: status, requests, stock, retention. A server
 * that keeps a shelter document encoded while only people are added reads these once, when the
 * document was last live, and assembles each new summary from them (assembleSummary).
 */
export interface SummaryParts {
  status: ShelterStatus;
  items: ReturnType<typeof readItems>;
  onHand: ReturnType<typeof stockOnHand>;
  pending: SupplyRequest[];
  closed: SupplyRequest[];
  closedAt: string | null;
  purgedAt: string | null;
  retained: { people: number; households: number } | null;
  reportedCapacity: number | null;
}

export function summaryParts(doc: Y.Doc): SummaryParts {
  const meta = shelterMeta(doc);
  return {
    status: asShelterStatus(meta.get('status')),
    items: readItems(doc),
    onHand: stockOnHand(doc),
    pending: pendingRequests(doc),
    closed: closedRequests(doc),
    closedAt: asStringOrNull(meta.get('closedAt')),
    purgedAt: asStringOrNull(meta.get('purgedAt')),
    retained: retainedOf(meta.get('retainedCounts')),
    reportedCapacity: reportedCapacity(doc),
  };
}

/** A summary from its parts and the headcount (`records`: entries of the people map, whatever they are). */
export function assembleSummary(
  parts: SummaryParts,
  tally: PeopleTally,
  records: number,
  shelterId: string,
  lastUpdateAt: string | null = null,
  options: SummaryOptions = {},
): ShelterSummary {
  const rows = supplyRows(parts.items, parts.onHand, peopleServed(tally), options.lowStockDays ?? LOW_STOCK_DAYS);
  const lowStock = rows
    .filter((r) => r.low || r.negative)
    .map((r) => ({ item: r.item, name: r.name, daysLeft: r.daysLeft, onHand: r.onHand, negative: r.negative }))
    .sort((a, b) => Number(b.negative) - Number(a.negative) || a.onHand - b.onHand || (a.daysLeft ?? 0) - (b.daysLeft ?? 0));
  const pending = parts.pending;
  return {
    shelterId,
    status: parts.status,
    present: tally.present,
    needs: boundedCounts(tally.needs, SUMMARY_LIMITS.needs),
    ageGroups: tally.ageGroups,
    arrivalsToday: tally.arrivalsToday,
    departuresToday: tally.departuresToday,
    openRequests: pending.slice(0, SUMMARY_LIMITS.requests).map(boundedRequest),
    requestCounts: {
      open: pending.filter((r) => r.status === 'open').length,
      acknowledged: pending.filter((r) => r.status === 'acknowledged').length,
    },
    closedRequests: parts.closed.map(boundedRequest),
    lowStock: lowStock.slice(0, SUMMARY_LIMITS.lowStock).map((l) => ({ ...l, item: cut(l.item, SUMMARY_LIMITS.shortChars), name: cut(l.name, SUMMARY_LIMITS.shortChars) })),
    lastUpdateAt,
    closedAt: parts.closedAt,
    purgedAt: parts.purgedAt,
    peopleOnRecord: records,
    retained: parts.retained,
    reportedCapacity: parts.reportedCapacity,
  };
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function boundedRequest(r: SupplyRequest): SupplyRequest {
  const out: SupplyRequest = { ...r, id: cut(r.id, SUMMARY_LIMITS.shortChars), item: cut(r.item, SUMMARY_LIMITS.shortChars), note: cut(r.note, SUMMARY_LIMITS.noteChars) };
  if (r.unit !== undefined) out.unit = cut(r.unit, SUMMARY_LIMITS.shortChars);
  return out;
}

/** The `max` largest counts (ties by name), names cut short. */
function boundedCounts(counts: Record<string, number>, max: number): Record<string, number> {
  const entries = Object.entries(counts);
  if (entries.length <= max && entries.every(([k]) => k.length <= SUMMARY_LIMITS.shortChars)) return counts;
  const out: Record<string, number> = {};
  for (const [k, n] of entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max)) {
    const key = cut(k, SUMMARY_LIMITS.shortChars);
    out[key] = (out[key] ?? 0) + n;
  }
  return out;
}

function retainedOf(v: unknown): { people: number; households: number } | null {
  if (!v || typeof v !== 'object') return null;
  const { people, households } = v as { people?: unknown; households?: unknown };
  return typeof people === 'number' && typeof households === 'number' ? { people, households } : null;
}
