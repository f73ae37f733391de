// The seeded sync fuzz, shared by the single-server fuzz (test/integration/fuzz.test.ts) and the
// several-instances one (test/integration/scale-out.test.ts): CLIENTS clients on one document make
// random edits while they are cut off, reconnected (to any of the given servers), and lose some of
// what they send and receive. Invariant after every step: no STORED claims more than the servers
// hold. At the end, with delivery healed: every client and every server hold exactly the edits
// that were made. Everything follows from the seed, so a failing seed can be kept as a regression.
import { expect } from 'vitest';
import * as Y from 'yjs';
import type { TestServer } from './server';
import { YClient } from './yclient';
import { prng } from '../../domain/prng';

export const CLIENTS = 4;

interface Model {
  /** key → value: each client sets and deletes only its own keys, so the outcome is known. */
  map: Map<string, number>;
  list: Set<string>;
  textLength: number;
}

/** The content, in a canonical order (a Y.Map's key order differs between replicas). */
export function snapshot(doc: Y.Doc): unknown {
  const map = Object.fromEntries(Object.entries(doc.getMap('m').toJSON()).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { map, list: [...doc.getArray<string>('l').toArray()].sort(), text: doc.getText('t').length };
}

function covered(stored: Map<number, number>, sv: Map<number, number>): boolean {
  for (const [client, clock] of stored) if ((sv.get(client) ?? 0) < clock) return false;
  return true;
}

let runs = 0;

/** Every wait in a fuzz run is bounded: a stall fails with what stalled, never hangs the suite. */
function bounded<T>(p: Promise<T>, what: string, ms = 15_000): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`fuzz: ${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * Runs one seed against `servers` (one, or several instances on one shared store; a client
 * reconnects to a server the seed picks). Returns the document's name and its expected content.
 */
export async function runSeed(servers: TestServer[], seed: number, steps: number): Promise<{ docName: string; expected: unknown }> {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const docName = `shelter/fuzz-${seed}-${steps}-${++runs}`;
  const token = await bounded(servers[0].token({ role: 'staff', shelter: docName.slice('shelter/'.length) }), 'issuing a token');
  const wsUrl = () => servers[int(servers.length)].wsUrl;
  const model: Model = { map: new Map(), list: new Set(), textLength: 0 };
  const clients: YClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const c = new YClient({ wsUrl: servers[i % servers.length].wsUrl, docName, token, name: `c${i}` });
    c.random = rand;
    clients.push(c);
    await bounded(c.connect(), `${c.name} connecting`);
  }
  const log: string[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const i = int(CLIENTS);
      const c = clients[i];
      const r = rand();
      if (r < 0.45) {
        const kind = int(4);
        if (kind === 0 || kind === 1) {
          const key = `c${i}-k${int(6)}`;
          if (kind === 1 && model.map.has(key)) {
            c.doc.getMap('m').delete(key);
            model.map.delete(key);
            log.push(`${c.name} delete ${key}`);
          } else {
            const v = step;
            c.doc.getMap('m').set(key, v);
            model.map.set(key, v);
            log.push(`${c.name} set ${key}=${v}`);
          }
        } else if (kind === 2) {
          const id = `c${i}-s${step}`;
          c.doc.getArray<string>('l').push([id]);
          model.list.add(id);
          log.push(`${c.name} push ${id}`);
        } else {
          const text = c.doc.getText('t');
          text.insert(int(text.length + 1), 'ab');
          model.textLength += 2;
          log.push(`${c.name} insert text`);
        }
      } else if (r < 0.55 && c.connected) {
        c.cut();
        log.push(`${c.name} cut`);
      } else if (r < 0.62 && c.connected) {
        await bounded(c.disconnect(), `${c.name} disconnecting`);
        log.push(`${c.name} disconnect`);
      } else if (r < 0.77 && !c.connected) {
        if (servers.length > 1) c.opts.wsUrl = wsUrl();
        await bounded(c.connect(), `${c.name} reconnecting`);
        log.push(`${c.name} reconnect`);
      } else if (r < 0.87) {
        c.dropOutgoing = c.dropOutgoing ? 0 : 0.3;
        c.dropIncoming = c.dropIncoming ? 0 : 0.3;
        log.push(`${c.name} lossy=${c.dropOutgoing > 0}`);
      } else {
        await new Promise((res) => setTimeout(res, int(15)));
        log.push(`wait`);
      }
      // invariant: STORED never claims more than the servers hold (each applies only what is committed)
      const held = heldStateVector(servers, docName);
      if (held) {
        const sv = held;
        for (const cl of clients) {
          expect(covered(cl.storedSV, sv), `seed ${seed} step ${step} ${cl.name}: STORED beyond the server\n${log.join('\n')}`).toBe(true);
        }
      }
    }
    // heal: lossless delivery, everyone reconnects and syncs
    for (const c of clients) {
      c.dropOutgoing = 0;
      c.dropIncoming = 0;
      await bounded(c.disconnect(), `${c.name} disconnecting to heal`);
      await bounded(c.connect(), `${c.name} reconnecting to heal`);
    }
    await bounded(Promise.all(clients.map((c) => c.whenStored(10_000))), 'all stored');
    const expected = {
      map: Object.fromEntries([...model.map].sort(([a], [b]) => (a < b ? -1 : 1))), // snapshot()'s order
      list: [...model.list].sort(),
      text: model.textLength,
    };
    // A state vector does not show deletions, so convergence is judged on the content; a
    // forwarded deletion may still be on its way to a client when another client's STORED lands.
    const want = JSON.stringify(expected);
    await Promise.all(
      clients.map((c) => c.until(() => JSON.stringify(snapshot(c.doc)) === want, 'converged').catch(() => undefined)),
    );
    for (const c of clients) expect(snapshot(c.doc), `seed ${seed} ${c.name}\n${log.join('\n')}`).toEqual(expected);
    // Each server that holds the document holds the same (one that unloaded it meanwhile is
    // looked up afresh: a LiveDoc is not used after it is unloaded).
    const held = (s: TestServer) => s.server.registry.get(docName);
    for (const [i, s] of servers.entries()) {
      await clients[0].until(() => { const live = held(s); return !live || JSON.stringify(snapshot(live.doc)) === want; }, `server ${i} converged`, 5_000).catch(() => undefined);
      const live = held(s);
      if (live) expect(snapshot(live.doc), `seed ${seed} server ${i}\n${log.join('\n')}`).toEqual(expected);
    }
    return { docName, expected };
  } finally {
    const sockets = clients.map((c) => `${c.name}: ${c.ws?.describe?.() ?? 'no socket'}`).join('; ');
    await bounded(Promise.all(clients.map((c) => c.destroy())), `closing the clients (${sockets})`);
  }
}


/** The union of what the servers hold of `docName` (null when none has it loaded). */
function heldStateVector(servers: TestServer[], docName: string): Map<number, number> | null {
  let out: Map<number, number> | null = null;
  for (const s of servers) {
    const live = s.server.registry.get(docName);
    if (!live) continue;
    out ??= new Map();
    for (const [client, clock] of Y.decodeStateVector(live.stateVector())) out.set(client, Math.max(clock, out.get(client) ?? 0));
  }
  return out;
}
