// What the resident sends while the network may be gone: reports and SOS requests wait here
// (localStorage, so a reload or a closed tab keeps them) and go when the server answers. A
// request the server refuses as invalid is dropped with its reason (resending cannot help);
// one that fails to arrive stays and is tried again.

export interface OutboxItem {
  id: string;
  kind: 'report' | 'sos';
  url: string;
  body: unknown;
  queuedAt: string;
}

export interface OutboxResult {
  item: OutboxItem;
  status: number;
  answer: unknown;
}

const KEY = 'hinanjo.resident.outbox.v1';

function read(storage: Storage): OutboxItem[] {
  try {
    const v = JSON.parse(storage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as OutboxItem[]) : [];
  } catch {
    return [];
  }
}

function write(storage: Storage, items: OutboxItem[]): void {
  try {
    storage.setItem(KEY, JSON.stringify(items));
  } catch {
    /* storage refused: the item stays in memory for this visit (see queue) */
  }
}

export function pending(storage: Storage = localStorage): OutboxItem[] {
  return read(storage);
}

/** Queues an item, replacing an earlier one with the same id (a changed report). */
export function queue(item: OutboxItem, storage: Storage = localStorage): void {
  write(storage, [...read(storage).filter((i) => i.id !== item.id), item]);
}

export function remove(id: string, storage: Storage = localStorage): void {
  write(storage, read(storage).filter((i) => i.id !== id));
}

let flushing: Promise<OutboxResult[]> | null = null;

/** Sends what waits, in order; returns what the server answered (delivered or refused). */
export function flush(storage: Storage = localStorage, send: typeof fetch = fetch): Promise<OutboxResult[]> {
  flushing ??= (async () => {
    const done: OutboxResult[] = [];
    for (const item of read(storage)) {
      let res: Response;
      try {
        res = await send(item.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(item.body) });
      } catch {
        break; // offline: everything waits
      }
      if (res.status >= 500 || res.status === 429) break; // the server is busy: later
      let answer: unknown = null;
      try {
        answer = await res.json();
      } catch {
        answer = null;
      }
      remove(item.id, storage);
      done.push({ item, status: res.status, answer });
    }
    return done;
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}
