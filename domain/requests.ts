// Requests from a shelter to HQ for supplies. A request is a Y.Map so that HQ acknowledging it
// and staff editing its note on another device are separate keys and both survive.
import * as Y from 'yjs';
import {
  REQUEST_STATUSES, type RequestStatus, type SupplyRequest, shelterItems, shelterRequests,
} from './schema';
import { asFiniteNumber, asString } from './coerce';
import { DEFAULT_ITEMS } from './stock';
import { type Result, err, ok } from './result';

export interface RequestInput {
  item: string;
  quantity: number;
  note?: string;
}

export type RequestFieldError = 'unknown-item' | 'not-a-positive-integer' | 'too-large' | 'too-long';
export type RequestErrors = Partial<Record<keyof RequestInput, RequestFieldError>>;

export const MAX_REQUEST_QUANTITY = 10_000_000;

/** Who may move a request where: staff open it, HQ acknowledges and delivers, either cancels. */
export const REQUEST_TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  open: ['acknowledged', 'cancelled'],
  acknowledged: ['delivered', 'cancelled'],
  delivered: [],
  cancelled: [],
};

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return REQUEST_TRANSITIONS[from].includes(to);
}

export function validateRequestInput(doc: Y.Doc, input: RequestInput): RequestErrors {
  const errors: RequestErrors = {};
  if (!shelterItems(doc).has(input.item)) errors.item = 'unknown-item';
  const q = input.quantity;
  if (typeof q !== 'number' || !Number.isSafeInteger(q) || q <= 0) errors.quantity = 'not-a-positive-integer';
  else if (q > MAX_REQUEST_QUANTITY) errors.quantity = 'too-large';
  if ((input.note ?? '').trim().length > 500) errors.note = 'too-long';
  return errors;
}

export function createRequest(
  doc: Y.Doc,
  input: RequestInput,
  ctx: { now: Date; newId: () => string },
): Result<SupplyRequest, RequestErrors> {
  const errors = validateRequestInput(doc, input);
  if (Object.keys(errors).length > 0) return err(errors);
  const at = ctx.now.toISOString();
  const unit = requestUnit(doc, input.item);
  const request: SupplyRequest = {
    id: ctx.newId(),
    item: input.item,
    quantity: input.quantity,
    ...(unit ? { unit } : {}),
    status: 'open',
    createdAt: at,
    note: (input.note ?? '').trim(),
    updatedAt: at,
  };
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(request)) if (k !== 'id') m.set(k, v);
    shelterRequests(doc).set(request.id, m);
  });
  return ok(request);
}

export type RequestStatusError = 'not-found' | 'invalid-transition';

export function setRequestStatus(
  doc: Y.Doc,
  id: string,
  status: RequestStatus,
  now: Date,
): Result<SupplyRequest, RequestStatusError> {
  const m = shelterRequests(doc).get(id);
  if (!m) return err('not-found');
  const current = readRequestMap(id, m);
  if (!(REQUEST_STATUSES as readonly string[]).includes(status) || !canTransition(current.status, status)) {
    return err('invalid-transition');
  }
  const updatedAt = now.toISOString();
  doc.transact(() => {
    m.set('status', status);
    m.set('updatedAt', updatedAt);
  });
  return ok({ ...current, status, updatedAt });
}

function readRequestMap(id: string, m: Y.Map<unknown>): SupplyRequest {
  const status = m.get('status');
  const updatedAt = m.get('updatedAt');
  return {
    id,
    item: asString(m.get('item')),
    quantity: asFiniteNumber(m.get('quantity')),
    status: (REQUEST_STATUSES as readonly unknown[]).includes(status) ? (status as RequestStatus) : 'open',
    createdAt: asString(m.get('createdAt')),
    note: asString(m.get('note')),
    ...(typeof updatedAt === 'string' ? { updatedAt } : {}),
    ...(typeof m.get('unit') === 'string' ? { unit: m.get('unit') as string } : {}),
  };
}

/** The unit of an item in this shelter's catalogue, else of the default catalogue. */
function requestUnit(doc: Y.Doc, item: string): string | undefined {
  const own = shelterItems(doc).get(item) as { unit?: unknown } | undefined;
  if (own && typeof own.unit === 'string' && own.unit) return own.unit;
  return DEFAULT_ITEMS.find((i) => i.id === item)?.unit;
}

/** "120 L": a quantity with the unit the request was made in (older requests: the default unit). */
export function requestAmount(r: Pick<SupplyRequest, 'quantity' | 'unit' | 'item'>, unitLabel: (unit: string) => string = (u) => u): string {
  const unit = r.unit ?? DEFAULT_ITEMS.find((i) => i.id === r.item)?.unit;
  return unit ? `${r.quantity} ${unitLabel(unit)}` : String(r.quantity);
}

/** All requests, oldest first (the one waiting longest is the one to act on). */
export function readRequests(doc: Y.Doc): SupplyRequest[] {
  const out: SupplyRequest[] = [];
  shelterRequests(doc).forEach((m, id) => {
    if (m instanceof Y.Map) out.push(readRequestMap(id, m));
  });
  return out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

/** How many closed requests a summary carries (HQ's delivered-request history). */
export const CLOSED_REQUESTS_KEPT = 20;

/** Delivered and cancelled requests, most recently closed first. */
export function closedRequests(doc: Y.Doc, keep = CLOSED_REQUESTS_KEPT): SupplyRequest[] {
  const when = (r: SupplyRequest) => r.updatedAt ?? r.createdAt;
  return readRequests(doc)
    .filter((r) => r.status === 'delivered' || r.status === 'cancelled')
    .sort((a, b) => (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : 0))
    .slice(0, keep);
}

/** Requests HQ still has to act on: open or acknowledged. */
export function pendingRequests(doc: Y.Doc): SupplyRequest[] {
  return readRequests(doc).filter((r) => r.status === 'open' || r.status === 'acknowledged');
}

/**
 * Where the request was created: the Yjs id (client, clock) of its entry in the requests map, so
 * a client can tell whether the server has confirmed storing it (SyncedDoc.isStored). Null for a
 * request that does not exist.
 */
export function requestOrigin(doc: Y.Doc, id: string): { client: number; clock: number } | null {
  // Y.Map keeps the item that holds each key in _map (not in the typed API, stable since Yjs 13.0).
  const item = (shelterRequests(doc) as unknown as { _map: Map<string, { id: { client: number; clock: number } }> })._map.get(id);
  return item ? { client: item.id.client, clock: item.id.clock } : null;
}
