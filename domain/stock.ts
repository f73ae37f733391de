// Supplies: the item catalog, the append-only stock ledger and what it means in days.
// Stock on hand is always the sum of ledger deltas, never a stored total, so entries made on two
// offline tablets add up when they merge.
import type * as Y from 'yjs';
import {
  type Item, type LedgerEntry, type Pack, LEDGER_REASONS, type LedgerReason, shelterItems, shelterStock,
} from './schema';
import { asFiniteNumber, asString } from './coerce';
import { type Result, err, ok } from './result';
import { peopleServed, tallyShelterPeople } from './counts';

/**
 * The catalog every shelter starts with. Ids are stable (other documents and requests refer to
 * them); names are Japanese because the catalog lives in the shared document, the UI may show a
 * translation by id. perPersonPerDay is set only where a daily ration is well established:
 * water 3 L (Japanese stockpile guidance, shared/FIELD.md), food 3 meals, portable toilet bags
 * 5 uses (the usual planning figure for toilet use per person per day), masks 1.
 * Blankets, diapers, formula, medicine, sanitary items and towels depend on who is present,
 * so they have no daily rate and never show days of supply.
 */
export const DEFAULT_ITEMS: readonly Item[] = [
  { id: 'water', name: '飲料水', unit: 'L', perPersonPerDay: 3 },
  { id: 'food', name: '食料', unit: '食', perPersonPerDay: 3 },
  { id: 'blanket', name: '毛布', unit: '枚', perPersonPerDay: null },
  { id: 'diaper', name: 'おむつ', unit: '枚', perPersonPerDay: null },
  { id: 'baby-formula', name: '粉ミルク', unit: 'g', perPersonPerDay: null },
  { id: 'medicine', name: '常備薬', unit: '箱', perPersonPerDay: null },
  { id: 'toilet-bag', name: '携帯トイレ', unit: '回', perPersonPerDay: 5 },
  { id: 'sanitary', name: '生理用品', unit: '個', perPersonPerDay: null },
  { id: 'mask', name: 'マスク', unit: '枚', perPersonPerDay: 1 },
  { id: 'towel', name: 'タオル', unit: '枚', perPersonPerDay: null },
];

/**
 * The packs the default items arrive in. A default item written before packs existed gets them
 * when read; an item whose packs staff set keeps its own.
 */
export const DEFAULT_PACKS: Readonly<Record<string, readonly Pack[]>> = {
  water: [{ unit: '本', size: 2 }, { unit: '箱', size: 12 }],
  food: [{ unit: '箱', size: 24 }],
  mask: [{ unit: '箱', size: 50 }],
  'toilet-bag': [{ unit: '箱', size: 50 }],
};

export const MAX_PACK_SIZE = 100_000;

function readPacks(v: unknown): Pack[] | null {
  if (!Array.isArray(v)) return null;
  const out: Pack[] = [];
  for (const p of v) {
    const o = (p && typeof p === 'object' ? p : {}) as Record<string, unknown>;
    if (typeof o.unit === 'string' && o.unit.trim() && typeof o.size === 'number' && Number.isSafeInteger(o.size) && o.size >= 1 && o.size <= MAX_PACK_SIZE) {
      out.push({ unit: o.unit.trim(), size: o.size });
    }
  }
  return out;
}

/** A quantity typed in packs of `size`, in base units; null when it is not a whole number of them. */
export function packsToBase(quantity: number, size: number): number | null {
  const base = quantity * size;
  return Number.isSafeInteger(base) ? base : null;
}

/** Below this many days of supply an item is "low" (overview, HQ, supplies screen). */
export const LOW_STOCK_DAYS = 2;

const DEFAULT_ORDER = new Map(DEFAULT_ITEMS.map((it, i) => [it.id, i]));

// ---- catalog --------------------------------------------------------------------------------

function readItemValue(id: string, v: unknown): Item {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const ppd = o.perPersonPerDay;
  const item: Item = {
    id,
    name: asString(o.name, id),
    unit: asString(o.unit),
    perPersonPerDay: typeof ppd === 'number' && Number.isFinite(ppd) && ppd > 0 ? ppd : null,
  };
  const packs = readPacks(o.packs) ?? (DEFAULT_PACKS[id] && asString(o.unit) === DEFAULT_ITEMS.find((d) => d.id === id)?.unit ? [...DEFAULT_PACKS[id]] : []);
  if (packs.length > 0) item.packs = packs;
  return item;
}

/** The catalog: default items in their usual order, then added items by name. */
export function readItems(doc: Y.Doc): Item[] {
  const items: Item[] = [];
  shelterItems(doc).forEach((v, id) => items.push(readItemValue(id, v)));
  return items.sort((a, b) => {
    const oa = DEFAULT_ORDER.get(a.id) ?? Infinity;
    const ob = DEFAULT_ORDER.get(b.id) ?? Infinity;
    if (oa !== ob) return oa - ob;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

export function readItem(doc: Y.Doc, id: string): Item | null {
  const v = shelterItems(doc).get(id);
  return v === undefined ? null : readItemValue(id, v);
}

/** Adds the default items that are missing; an item staff renamed or re-rated is left alone. */
export function seedDefaultItems(doc: Y.Doc): string[] {
  const items = shelterItems(doc);
  const added: string[] = [];
  doc.transact(() => {
    for (const it of DEFAULT_ITEMS) {
      if (items.has(it.id)) continue;
      items.set(it.id, { ...it });
      added.push(it.id);
    }
  });
  return added;
}

export interface ItemInput {
  name: string;
  unit: string;
  perPersonPerDay: number | null;
  /** One pack the item comes in (optional): its unit word and size in base units. */
  pack?: { unit: string; size: number | null } | null;
}

export type ItemFieldError = 'required' | 'too-long' | 'not-a-positive-number' | 'not-a-positive-integer';
export type ItemErrors = Partial<Record<keyof ItemInput, ItemFieldError>>;

export function validateItemInput(input: ItemInput): ItemErrors {
  const errors: ItemErrors = {};
  const name = (input.name ?? '').trim();
  const unit = (input.unit ?? '').trim();
  if (!name) errors.name = 'required';
  else if (name.length > 60) errors.name = 'too-long';
  if (!unit) errors.unit = 'required';
  else if (unit.length > 20) errors.unit = 'too-long';
  const ppd = input.perPersonPerDay;
  if (ppd !== null && !(typeof ppd === 'number' && Number.isFinite(ppd) && ppd > 0)) {
    errors.perPersonPerDay = 'not-a-positive-number';
  }
  const pack = input.pack;
  if (pack && (pack.unit.trim() !== '' || pack.size !== null)) {
    if (!pack.unit.trim()) errors.pack = 'required';
    else if (pack.unit.trim().length > 20) errors.pack = 'too-long';
    else if (!(typeof pack.size === 'number' && Number.isSafeInteger(pack.size) && pack.size >= 1 && pack.size <= MAX_PACK_SIZE)) errors.pack = 'not-a-positive-integer';
  }
  return errors;
}

/** Adds an item to the catalog under a new id. */
export function addItem(doc: Y.Doc, input: ItemInput, ctx: { newId: () => string }): Result<Item, ItemErrors> {
  const errors = validateItemInput(input);
  if (Object.keys(errors).length > 0) return err(errors);
  const item: Item = {
    id: ctx.newId(),
    name: input.name.trim(),
    unit: input.unit.trim(),
    perPersonPerDay: input.perPersonPerDay,
  };
  if (input.pack && input.pack.unit.trim() && input.pack.size) item.packs = [{ unit: input.pack.unit.trim(), size: input.pack.size }];
  shelterItems(doc).set(item.id, { ...item });
  return ok(item);
}

// ---- ledger ---------------------------------------------------------------------------------

export interface LedgerInput {
  item: string;
  delta: number;
  reason: LedgerReason;
  by: string;
  note?: string;
}

export type LedgerError =
  | { field: 'item'; code: 'unknown-item' }
  | { field: 'delta'; code: 'not-an-integer' | 'zero' | 'must-be-negative' | 'must-be-positive' | 'too-large' }
  | { field: 'reason'; code: 'invalid-choice' }
  | { field: 'note'; code: 'too-long' };

/** Larger than any real delivery; catches a quantity typed into the wrong field. */
export const MAX_LEDGER_QUANTITY = 10_000_000;

/** The first problem with a ledger entry, or null when it can be recorded. */
export function validateLedgerInput(doc: Y.Doc, input: LedgerInput): LedgerError | null {
  if (!shelterItems(doc).has(input.item)) return { field: 'item', code: 'unknown-item' };
  if (!(LEDGER_REASONS as readonly string[]).includes(input.reason)) return { field: 'reason', code: 'invalid-choice' };
  const { delta } = input;
  if (typeof delta !== 'number' || !Number.isSafeInteger(delta)) return { field: 'delta', code: 'not-an-integer' };
  if (delta === 0) return { field: 'delta', code: 'zero' };
  if (Math.abs(delta) > MAX_LEDGER_QUANTITY) return { field: 'delta', code: 'too-large' };
  // Received goods come in and handed-out goods go out; adjustments (a recount) and transfers
  // (to or from another shelter) go either way.
  if (input.reason === 'distributed' && delta > 0) return { field: 'delta', code: 'must-be-negative' };
  if (input.reason === 'received' && delta < 0) return { field: 'delta', code: 'must-be-positive' };
  if ((input.note ?? '').trim().length > 500) return { field: 'note', code: 'too-long' };
  return null;
}

function toEntry(input: LedgerInput, ctx: { now: Date; newId: () => string }): LedgerEntry {
  const note = (input.note ?? '').trim();
  return {
    id: ctx.newId(),
    item: input.item,
    delta: input.delta,
    reason: input.reason,
    at: ctx.now.toISOString(),
    by: input.by,
    ...(note ? { note } : {}),
  };
}

/** Appends one ledger entry. */
export function appendLedgerEntry(
  doc: Y.Doc,
  input: LedgerInput,
  ctx: { now: Date; newId: () => string },
): Result<LedgerEntry, LedgerError> {
  const problem = validateLedgerInput(doc, input);
  if (problem) return err(problem);
  const entry = toEntry(input, ctx);
  shelterStock(doc).push([entry]);
  return ok(entry);
}

/**
 * Appends several entries in one push (a delivery of many items, an import, a seeded demo),
 * all or nothing. One push matters: Yjs merges consecutive appends into one array and many
 * single pushes inside one transaction copy that array each time.
 */
export function appendLedgerEntries(
  doc: Y.Doc,
  inputs: readonly LedgerInput[],
  ctx: { now: Date; newId: () => string },
): Result<LedgerEntry[], { index: number; error: LedgerError }[]> {
  const problems: { index: number; error: LedgerError }[] = [];
  inputs.forEach((input, index) => {
    const error = validateLedgerInput(doc, input);
    if (error) problems.push({ index, error });
  });
  if (problems.length > 0) return err(problems);
  const entries = inputs.map((input) => toEntry(input, ctx));
  if (entries.length > 0) shelterStock(doc).push(entries);
  return ok(entries);
}

/**
 * On hand per item: the sum of the ledger's deltas. Entries that are not well formed (from a
 * foreign client) are skipped rather than poisoning the sum with NaN.
 */
export function stockOnHand(doc: Y.Doc): Map<string, number> {
  const totals = new Map<string, number>();
  shelterStock(doc).forEach((e) => {
    if (!e || typeof e !== 'object') return;
    const { item, delta } = e;
    if (typeof item !== 'string' || typeof delta !== 'number' || !Number.isFinite(delta)) return;
    totals.set(item, (totals.get(item) ?? 0) + delta);
  });
  return totals;
}

/** The ledger of one item (or all), newest first. */
export function readLedger(doc: Y.Doc, item?: string): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  shelterStock(doc).forEach((e) => {
    if (!e || typeof e !== 'object' || typeof e.item !== 'string') return;
    if (item === undefined || e.item === item) out.push(e);
  });
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/**
 * How many days the stock lasts at the current headcount; null when it does not apply (the item
 * has no daily ration, or nobody is present to use it). Negative stock (more handed out than
 * recorded as received) counts as none.
 */
export function daysOfSupply(onHand: number, perPersonPerDay: number | null, served: number): number | null {
  if (perPersonPerDay === null || !(perPersonPerDay > 0) || !(served > 0)) return null;
  return Math.max(0, onHand) / (perPersonPerDay * served);
}

export interface SupplyStatusRow {
  item: string;
  name: string;
  unit: string;
  /** The packs the item is counted in besides its base unit (Item.packs). */
  packs: Pack[];
  onHand: number;
  perPersonPerDay: number | null;
  daysLeft: number | null;
  /** Less than the low-stock threshold of days left (only items with a daily ration). */
  low: boolean;
  /**
   * Below zero: two offline tablets handed out more than there was, or a delivery was never
   * recorded. Always flagged (with or without a ration): the ledger needs a count and an adjustment.
   */
  negative: boolean;
}

/**
 * The supplies screen in one call. People served are everyone present, in the shelter, in cars
 * and at home: supplies follow stay type (shared/FIELD.md, Kumamoto 2016).
 */
export function supplyStatus(
  doc: Y.Doc,
  now: Date,
  options: { lowStockDays?: number; served?: number } = {},
): SupplyStatusRow[] {
  const served = options.served ?? peopleServed(tallyShelterPeople(doc, now));
  return supplyRows(readItems(doc), stockOnHand(doc), served, options.lowStockDays ?? LOW_STOCK_DAYS);
}

/** Supply rows from already computed parts (the overview reuses its own headcount). */
export function supplyRows(
  items: readonly Item[],
  onHand: ReadonlyMap<string, number>,
  served: number,
  lowStockDays = LOW_STOCK_DAYS,
): SupplyStatusRow[] {
  return items.map((it) => {
    const have = onHand.get(it.id) ?? 0;
    const daysLeft = daysOfSupply(have, it.perPersonPerDay, served);
    return {
      item: it.id,
      name: it.name,
      unit: it.unit,
      packs: it.packs ?? [],
      onHand: have,
      perPersonPerDay: it.perPersonPerDay,
      daysLeft,
      low: daysLeft !== null && daysLeft < lowStockDays,
      negative: have < 0,
    };
  });
}

/** True when this entry would leave the item below zero: the UI asks before handing out. */
export function wouldGoNegative(doc: Y.Doc, item: string, delta: number): boolean {
  if (!(delta < 0)) return false;
  let have = 0;
  shelterStock(doc).forEach((e) => {
    if (e && e.item === item) have += asFiniteNumber(e.delta);
  });
  return have + delta < 0;
}
