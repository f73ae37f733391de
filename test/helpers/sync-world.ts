// A whole sync world in memory, every hop the product has, run by one seed: the city's sync core
// (or two instances of it on one shared store, behind a balancer the seed steers, following each
// other through the store's doorbell, whose rings the seed delivers or loses), optionally a
// shelter box (its own core, and the box's real upstream link to the city), and
// tablets that run the product's own engine (domain/sync/replica.ts) on memory logs. Every socket
// is an in-memory pair whose frames wait until the seed delivers them (socket-pair.ts); every
// writer commits when the seed says; every timer of every client runs from one manual clock.
// So a seed gives one transcript, and a failing seed replays frame for frame.
import * as Y from 'yjs';
import { ManualClock } from '../../domain/sync/clock';
import { MemoryLog } from '../../domain/sync/memory-log';
import { openReplica, type SyncedDoc } from '../../domain/sync/replica';
import type { SocketFactory } from '../../domain/sync/route';
import { UpstreamLink } from '../../sync-server/box/upstream-link';
import { MemoryData } from '../../sync-server/store/memory';
import { SyncCore } from './socket-pair';

export const START = Date.parse('2026-12-01T00:00:00Z');

/** ENGINE_FUZZ_TRACE=1 prints where a run is (for a seed that hangs rather than fails). */
export function trace(line: () => string): void {
  if (process.env.ENGINE_FUZZ_TRACE) process.stderr.write(`${line()}\n`);
}

/** One local change of a tablet: what the city (or box) must hold once it is confirmed. */
export interface LocalChange {
  client: number;
  /** The client's clock after the change; deleteOnly when it did not move. */
  clock: number;
  deleteOnly: boolean;
  /** The items it deleted: [client, clock, length]. */
  deleted: [number, number, number][];
}

/** A tablet: the product's replica on a memory log that outlives it (a reload reopens the log). */
export class Tablet {
  replica!: SyncedDoc;
  readonly log = new MemoryLog();
  /** Every local change since the start, in the order the log numbered their pending rows. */
  readonly changes: LocalChange[] = [];
  /** The clientIDs it has used (one per load, as a browser tab gets a new one each time). */
  readonly clientIDs: number[] = [];
  loads = 0;
  readonly purgedEpochs: string[] = [];
  private readonly epochs = new Map<string, string>();

  constructor(
    readonly name: string,
    private readonly world: SyncWorld,
    readonly viaBox: boolean,
    private readonly idBase: number,
  ) {}

  open(): void {
    const clientID = this.idBase + this.loads++;
    this.clientIDs.push(clientID);
    const w = this.world;
    this.replica = openReplica(
      w.docName,
      { token: w.token, serverUrl: 'ws://city/sync', ...(this.viaBox ? { boxUrl: 'ws://box/sync' } : {}) },
      {
        log: this.log,
        createSocket: w.factory,
        clock: w.clock,
        clientID,
        readEpoch: (d) => this.epochs.get(d) ?? '',
        writeEpoch: (d, e) => void this.epochs.set(d, e),
        onPurged: (_d, e) => void this.purgedEpochs.push(e),
        report: (what, err) => w.log.push(`${this.name}: ${what} ${err instanceof Error ? err.message : ''}`),
      },
    );
    // Local transactions, in order: each one is one pending row of the log, in the same order.
    this.replica.doc.on('updateV2', (_u: Uint8Array, _origin: unknown, doc: Y.Doc, tr: Y.Transaction) => {
      if (!tr.local) return;
      const before = tr.beforeState.get(doc.clientID) ?? 0;
      const after = tr.afterState.get(doc.clientID) ?? 0;
      const deleted: [number, number, number][] = [];
      for (const [client, items] of tr.deleteSet.clients) for (const d of items) deleted.push([client, d.clock, d.len]);
      this.changes.push({ client: doc.clientID, clock: after, deleteOnly: after === before, deleted });
    });
  }

  /** The tab is closed and opened again: the replica goes, the log stays. */
  reload(): void {
    this.replica.destroy();
    this.open();
  }

  get doc(): Y.Doc {
    return this.replica.doc;
  }

  /** Pending row ids still in the log, in creation order, and which of them a box has. */
  pendingRows(): { id: number; atBox: boolean }[] {
    return this.log.pendingRows(this.world.docName).map((r) => ({ id: r.id as number, atBox: r.atBox === true }));
  }
}

export class SyncWorld {
  readonly clock = new ManualClock(START);
  readonly log: string[] = [];
  readonly city: SyncCore;
  /** A second instance of the city on the same store (topology 'instances'). */
  city2: SyncCore | null = null;
  box: SyncCore | null = null;
  /** Chooses the instance for each new connection to the city when there are two (the balancer). */
  balance: () => number = () => 0;
  link: UpstreamLink | null = null;
  readonly tablets: Tablet[] = [];
  token = '';
  private boxToken = '';

  constructor(
    readonly docName: string,
    opts: { instances?: 1 | 2 } = {},
  ) {
    const now = () => this.clock.now();
    const clock = this.clock;
    if (opts.instances === 2) {
      const shared = new MemoryData();
      shared.holdRings = true;
      this.city = new SyncCore({ name: 'city-a', log: this.log, compactThreshold: 10, now, clock, shared });
      this.city2 = new SyncCore({ name: 'city-b', log: this.log, compactThreshold: 10, now, clock, shared });
    } else {
      this.city = new SyncCore({ name: 'city', log: this.log, compactThreshold: 10, now, clock });
    }
  }

  /** Sockets by host: ws://city/… to the city (either instance, as the balancer picks), ws://box/… to the box. */
  readonly factory: SocketFactory = (url, protocols) => {
    const host = new URL(url).host;
    const core = host === 'box' ? this.box : host === 'city' ? (this.city2 && this.balance() < 0.5 ? this.city2 : this.city) : null;
    if (!core) throw new Error(`no server at ${url}`);
    return core.connect(url, protocols);
  };

  get cores(): SyncCore[] {
    return [this.city, ...(this.city2 ? [this.city2] : []), ...(this.box ? [this.box] : [])];
  }

  /** The city's instances (one or two). */
  get instances(): SyncCore[] {
    return this.city2 ? [this.city, this.city2] : [this.city];
  }

  /** Delivers the oldest held doorbell ring of instance `i` (two instances only). */
  async deliverRing(i: number): Promise<boolean> {
    const delivered = this.city.data.deliverRing(i);
    if (delivered) this.log.push(`ring delivered to instance ${i}`);
    await this.settle();
    return delivered;
  }

  /** Instance `i`'s doorbell broke: its rings are lost, and it catches up by sequence. */
  async loseRings(i: number): Promise<void> {
    this.log.push(`rings lost at instance ${i}`);
    this.city.data.loseRings(i);
    await this.settle();
  }

  async init(opts: { box: boolean; tablets: number; viaBox: (i: number) => boolean }): Promise<void> {
    for (const core of this.instances) await core.start();
    const shelter = this.docName.slice('shelter/'.length);
    this.token = await this.city.token('staff', shelter);
    if (opts.box) {
      // The box verifies the city's tokens with the city's key (the same secret in the harness).
      this.box = new SyncCore({ name: 'box', log: this.log, compactThreshold: 10, now: () => this.clock.now(), clock: this.clock });
      this.boxToken = await this.city.token('box', shelter);
      this.link = new UpstreamLink(this.docName, {
        upstreamWs: 'ws://city/sync',
        token: this.boxToken,
        mode: 'write',
        registry: this.box.registry,
        writer: this.box.writer,
        sync: this.box.sync,
        log: (line) => this.log.push(`box: ${line}`),
        createSocket: this.factory,
        clock: this.clock,
      });
      await this.link.start();
    }
    for (let i = 0; i < opts.tablets; i++) {
      const t = new Tablet(`t${i}`, this, opts.box && opts.viaBox(i), 1_000 + i * 100);
      t.open();
      this.tablets.push(t);
    }
    await this.settle();
  }

  /** Lets every promise chain of every client run to its end (the local logs resolve on microtasks). */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
    for (const t of this.tablets) await t.replica.settled();
    await new Promise<void>((r) => setImmediate(r));
  }

  async openPending(): Promise<void> {
    for (const core of this.cores) await core.openPending();
    await this.settle();
  }

  /** Delivers one frame, chosen by `rand` among every pair of every core with something to deliver. */
  async deliverOne(rand: () => number): Promise<boolean> {
    const choices: [SyncCore, number][] = [];
    for (const core of this.cores) {
      core.pairs.forEach((p, i) => {
        if (p.toServer.length && p.conn) choices.push([core, i]);
        if (p.toClient.length) choices.push([core, -1 - i]);
      });
    }
    if (choices.length === 0) return false;
    const [core, k] = choices[Math.floor(rand() * choices.length)];
    const delivered = k >= 0 ? core.pairs[k].deliver('toServer') : core.pairs[-1 - k].deliver('toClient');
    await this.settle();
    return delivered;
  }

  /** Commits everything each core's writer holds. */
  async commit(): Promise<void> {
    for (const core of this.cores) await core.commit();
    await this.settle();
  }

  /** Advances the clock (reconnect backoffs and watchdogs fire), then lets the results run. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.settle();
  }

  /** Delivers, commits and lets timers fire until nothing moves anywhere. */
  async quiesce(rand: () => number): Promise<void> {
    for (let round = 0; round < 400; round++) {
      await this.openPending();
      while (await this.deliverOne(rand));
      await this.commit();
      if (this.city2) for (const i of [0, 1]) while (await this.deliverRing(i));
      trace(() => `quiesce round ${round}: ${JSON.stringify(this.tablets.map((t) => t.replica.state()))} link ${JSON.stringify(this.link?.status())}`);
      const idle = this.cores.every((c) => c.pairs.every((p) => p.idle || p.state === 'closed') && !c.writer.busy);
      const connected = this.tablets.every((t) => t.replica.state().connection === 'connected' && (!t.viaBox || t.replica.state().box?.connection === 'connected'));
      const allSaved = this.tablets.every((t) => t.replica.state().pending === 0);
      if (idle && connected && allSaved && this.linkSettled()) return;
      await this.advance(500);
    }
    throw new Error(`the world did not settle:\n${this.log.slice(-60).join('\n')}`);
  }

  private linkSettled(): boolean {
    if (!this.link) return true;
    const s = this.link.status();
    return s.state === 'connected' && s.unconfirmedFrames === 0;
  }

  async close(): Promise<void> {
    for (const t of this.tablets) t.replica.destroy();
    this.link?.stop();
    for (const core of this.cores) await core.close();
  }
}

/** Is every item `change` deleted, deleted in `doc` (the store's copy)? */
export function deletionsIn(doc: Y.Doc, change: LocalChange): boolean {
  const ds = Y.createDeleteSetFromStructStore(doc.store);
  return change.deleted.every(([client, clock, len]) => {
    for (let c = clock; c < clock + len; c++) if (!Y.isDeleted(ds, Y.createID(client, c))) return false;
    return true;
  });
}
