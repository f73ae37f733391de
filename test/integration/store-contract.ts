// The storage contract: every DocStore backend must pass this suite. It is a function over a
// store factory so a PostgreSQL backend runs the very same tests (see store-contract.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DeviceRecord, DocStore } from '../../sync-server/store/types';

export interface StoreHarness {
  store: DocStore;
  /** Closes the store and opens the same storage again (a restart). */
  reopen(): Promise<DocStore>;
  /** A second, independent store on the same storage (another server instance): shared stores only. */
  openAnother?(): Promise<DocStore>;
  cleanup(): Promise<void>;
}

function edit(doc: Y.Doc, f: (d: Y.Doc) => void): Uint8Array {
  let out: Uint8Array | null = null;
  const h = (u: Uint8Array) => (out = u);
  doc.on('update', h);
  doc.transact(() => f(doc));
  doc.off('update', h);
  return out!;
}

function replay(updates: Uint8Array[]): Y.Doc {
  const d = new Y.Doc();
  for (const u of updates) Y.applyUpdate(d, u);
  return d;
}

const device = (jti: string, extra: Partial<DeviceRecord> = {}): DeviceRecord => ({
  jti,
  role: 'staff',
  shelter: 's1',
  device: 'tablet',
  issuedAt: '2026-11-22T00:00:00.000Z',
  expiresAt: '2026-12-22T00:00:00.000Z',
  revokedAt: null,
  ...extra,
});

export function storeContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`storage contract: ${name}`, () => {
    let h: StoreHarness | null = null;
    const harness = async () => (h = await open());
    afterEach(async () => {
      await h?.cleanup();
      h = null;
    });

    it('an unknown document loads empty', async () => {
      const { store } = await harness();
      expect(await store.loadUpdates('shelter/none')).toEqual({ updates: [], lastSeq: 0, updatesSinceSnapshot: 0, lastUpdateAt: null, epoch: '' });
      expect(await store.append([], new Date())).toEqual([]);
    });

    it('a batch over several documents gets sequence numbers increasing per document and loads back in order', async () => {
      const { store } = await harness();
      const a = new Y.Doc();
      const b = new Y.Doc();
      const u1 = edit(a, (d) => d.getMap('m').set('x', 1));
      const u2 = edit(b, (d) => d.getMap('m').set('y', 2));
      const u3 = edit(a, (d) => d.getMap('m').set('x', 3));
      const at = new Date('2026-11-22T01:00:00.000Z');
      const seqs = await store.append(
        [
          { docName: 'shelter/a', update: u1 },
          { docName: 'shelter/b', update: u2 },
          { docName: 'shelter/a', update: u3 },
        ],
        at,
      );
      expect(seqs).toHaveLength(3);
      // Sequence numbers order the updates of one document (SQLite's are global, PostgreSQL's per document).
      expect(seqs.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
      expect(seqs[0]).toBeLessThan(seqs[2]);
      const loaded = await store.loadUpdates('shelter/a');
      expect(loaded.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual([u1, u3].map((u) => Buffer.from(u).toString('hex')));
      expect(loaded.lastSeq).toBe(seqs[2]);
      expect(loaded.updatesSinceSnapshot).toBe(2);
      expect(loaded.lastUpdateAt).toBe(at.toISOString());
      expect(replay(loaded.updates).getMap('m').toJSON()).toEqual({ x: 3 });
      expect(await store.listDocs()).toEqual(['shelter/a', 'shelter/b']);
    });

    it('what was appended is there after a restart', async () => {
      const harnessed = await harness();
      const d = new Y.Doc();
      await harnessed.store.append([{ docName: 'hq', update: edit(d, (x) => x.getMap('meta').set('region', 'R')) }], new Date());
      const reopened = await harnessed.reopen();
      expect(replay((await reopened.loadUpdates('hq')).updates).getMap('meta').toJSON()).toEqual({ region: 'R' });
    });

    it('a batch is all or nothing', async () => {
      const { store } = await harness();
      const d = new Y.Doc();
      const good = edit(d, (x) => x.getMap('m').set('k', 1));
      await expect(
        store.append(
          [
            { docName: 'shelter/x', update: good },
            { docName: null as unknown as string, update: good },
          ],
          new Date(),
        ),
      ).rejects.toThrow();
      expect((await store.loadUpdates('shelter/x')).updates).toEqual([]);
    });

    it('compaction replaces the log up to a sequence number by a snapshot, keeps later updates and the content', async () => {
      const { store } = await harness();
      const d = new Y.Doc();
      const seqs: number[] = [];
      for (let i = 0; i < 50; i++) {
        seqs.push(...(await store.append([{ docName: 'shelter/c', update: edit(d, (x) => x.getMap('m').set(`k${i}`, i)) }], new Date())));
      }
      expect(await store.rowCount('shelter/c')).toBe(50);
      // snapshot of the first 40 updates
      const first40 = replay((await store.loadUpdates('shelter/c')).updates.slice(0, 40));
      await store.compact('shelter/c', Y.encodeStateAsUpdate(first40), seqs[39]);
      expect(await store.rowCount('shelter/c')).toBe(11);
      const loaded = await store.loadUpdates('shelter/c');
      expect(loaded.updatesSinceSnapshot).toBe(10);
      expect(loaded.lastSeq).toBe(seqs[49]);
      expect(replay(loaded.updates).getMap('m').toJSON()).toEqual(d.getMap('m').toJSON());
      // compacting again folds the rest into one row
      await store.compact('shelter/c', Y.encodeStateAsUpdate(d), seqs[49]);
      expect(await store.rowCount('shelter/c')).toBe(1);
      const again = await store.loadUpdates('shelter/c');
      expect(again.lastSeq).toBe(seqs[49]);
      expect(again.lastUpdateAt).not.toBeNull();
      expect(replay(again.updates).getMap('m').size).toBe(50);
      // and appending continues after the snapshot
      const [next] = await store.append([{ docName: 'shelter/c', update: edit(d, (x) => x.getMap('m').set('late', 1)) }], new Date());
      expect(next).toBeGreaterThan(seqs[49]);
      expect(replay((await store.loadUpdates('shelter/c')).updates).getMap('m').get('late')).toBe(1);
      expect(await store.listDocs()).toEqual(['shelter/c']);
    });

    it('appends go on being stored while the store checkpoints in the background and is read', async () => {
      // A write transaction that began by reading could not take the write lock while SQLite's
      // checkpointer held it for a RESTART ("database is locked" after the busy timeout).
      const { store } = await harness();
      const docs = Array.from({ length: 5 }, () => new Y.Doc());
      const until = performance.now() + 1_500;
      let appended = 0;
      while (performance.now() < until) {
        const batch = docs.flatMap((d, i) =>
          Array.from({ length: 4 }, (_, k) => ({ docName: `shelter/w${i}`, update: edit(d, (x) => x.getMap('m').set(`k${appended + k}`, 'x'.repeat(1_000))) })),
        );
        const [seqs] = await Promise.all([store.append(batch, new Date()), store.loadUpdates('shelter/w0')]);
        expect(seqs.every((s) => s > 0)).toBe(true);
        appended += 4;
      }
      const loaded = await store.loadUpdates('shelter/w4');
      expect(replay(loaded.updates).getMap('m').size).toBe(appended);
    });

    it('keeps the safety-answer audit log in order, across a restart', async () => {
      const harnessed = await harness();
      const entry = (n: number) => ({
        at: `2026-12-02T0${n}:00:00.000Z`, jti: `j${n}`, device: n === 1 ? null : '本部卓1', askedBy: `電話 ${n}`,
        relation: n === 1 ? 'family' : 'other', query: '山田 太郎', answered: n - 1, answer: n === 1 ? '' : '山田 太郎 — 本町小学校 (在所)',
      });
      expect(await harnessed.store.listAudit()).toEqual([]);
      await harnessed.store.appendAudit(entry(1));
      await harnessed.store.appendAudit(entry(2));
      const reopened = await harnessed.reopen();
      expect(await reopened.listAudit()).toEqual([entry(1), entry(2)]);
    });

    it('a purge replaces a document by one state numbered past every update, across a restart; redaction blanks audit entries naming the purged', async () => {
      const harnessed = await harness();
      const { store } = harnessed;
      const d = new Y.Doc();
      const seqs: number[] = [];
      for (let i = 0; i < 5; i++) seqs.push(...(await store.append([{ docName: 'shelter/p', update: edit(d, (x) => x.getMap('people').set(`p${i}`, `名前${i}`)) }], new Date())));
      await store.compact('shelter/p', Y.encodeStateAsUpdate(d), seqs[2]);
      const kept = new Y.Doc();
      kept.getMap('meta').set('purgedAt', '2026-12-02T00:00:00.000Z');
      const seq = await store.replaceDocument('shelter/p', Y.encodeStateAsUpdate(kept), '2026-12-02T00:00:00.000Z');
      expect(seq).toBeGreaterThan(seqs[4]);
      const check = async (s: DocStore) => {
        const loaded = await s.loadUpdates('shelter/p');
        expect(loaded.updates).toHaveLength(1);
        expect(loaded.lastSeq).toBe(seq);
        expect(loaded.epoch).toBe('2026-12-02T00:00:00.000Z');
        const doc = replay(loaded.updates);
        expect(doc.getMap('people').size).toBe(0);
        expect(doc.getMap('meta').get('purgedAt')).toBe('2026-12-02T00:00:00.000Z');
        expect(await s.rowCount('shelter/p')).toBe(1);
        expect((await s.lastSeqs()).get('shelter/p')).toBe(seq);
      };
      await check(store);
      const current = await harnessed.reopen();
      await check(current);
      // later updates follow the purge's number; a compaction keeps the epoch; other documents have none
      // an update made on the copy from before the purge is refused and stores nothing
      const stale = edit(d, (x) => x.getMap('people').set('late', '遅延名前'));
      expect(await current.append([{ docName: 'shelter/p', update: stale }, { docName: 'shelter/p', update: stale, epoch: '' }], new Date())).toEqual([0, 0]);
      expect((await current.loadUpdates('shelter/p')).lastSeq).toBe(seq);
      // in one batch with an update of the new epoch, the old copy's is still refused
      const [refused, after] = await current.append([{ docName: 'shelter/p', update: stale, epoch: '' }, { docName: 'shelter/p', update: edit(kept, (x) => x.getMap('m').set('k', 1)), epoch: '2026-12-02T00:00:00.000Z' }], new Date());
      expect(refused).toBe(0);
      expect(after).toBeGreaterThan(seq);
      expect(replay((await current.loadUpdates('shelter/p')).updates).getMap('people').size).toBe(0);
      await current.compact('shelter/p', Y.encodeStateAsUpdate(kept), after);
      expect((await current.loadUpdates('shelter/p')).epoch).toBe('2026-12-02T00:00:00.000Z');
      await current.append([{ docName: 'shelter/q', update: edit(new Y.Doc(), (x) => x.getMap('m').set('k', 1)) }], new Date());
      expect((await current.loadUpdates('shelter/q')).epoch).toBe('');
      const base = { at: '2026-12-02T00:00:00.000Z', jti: 'j', device: null, askedBy: '電話', relation: 'family', answered: 1 };
      await current.appendAudit({ ...base, query: '名前1', answer: '名前1 — 本町小学校 (在所)' });
      await current.appendAudit({ ...base, query: '別人', answer: '' });
      // the purged person asked about someone else: who asked names them
      await current.appendAudit({ ...base, askedBy: '電話 名前1（妻）', query: '別人二', answer: '' });
      expect(await current.redactAudit(['名前1', ''], '（削除済み）')).toBe(2);
      expect((await current.listAudit()).map((e) => [e.query, e.answer, e.askedBy])).toEqual([
        ['（削除済み）', '（削除済み）', '電話'],
        ['別人', '', '電話'],
        ['（削除済み）', '（削除済み）', '（削除済み）'],
      ]);
    });

    it('records devices, revokes known and unknown tokens, and keeps revocations across a restart', async () => {
      const harnessed = await harness();
      const { store } = harnessed;
      await store.recordDevice(device('j1'));
      await store.recordDevice(device('j1', { device: 'again' })); // recording twice keeps the first
      await store.recordDevice(device('j2', { role: 'hq', shelter: null }));
      expect((await store.listDevices()).map((d) => [d.jti, d.device])).toEqual([
        ['j1', 'tablet'],
        ['j2', 'tablet'],
      ]);
      expect(await store.isRevoked('j1')).toBe(false);
      expect(await store.revoke('j1', new Date('2026-11-22T02:00:00.000Z'))).toBe(true);
      expect(await store.revoke('foreign', new Date())).toBe(false);
      const reopened = await harnessed.reopen();
      expect(await reopened.isRevoked('j1')).toBe(true);
      expect(await reopened.isRevoked('foreign')).toBe(true);
      expect(await reopened.isRevoked('j2')).toBe(false);
      expect([...(await reopened.revokedJtis())].sort()).toEqual(['foreign', 'j1']);
      expect((await reopened.listDevices()).find((d) => d.jti === 'j1')!.revokedAt).toBe('2026-11-22T02:00:00.000Z');
    });

    it('keeps summaries as of a sequence number across a restart; an older one never replaces a newer one', async () => {
      const { store } = await harness();
      const a = new Y.Doc();
      const [seq] = await store.append([{ docName: 'shelter/a', update: edit(a, (d) => d.getMap('m').set('x', 1)) }], new Date());
      const [seqB] = await store.append([{ docName: 'shelter/b', update: edit(new Y.Doc(), (d) => d.getMap('m').set('y', 1)) }], new Date());
      expect(Object.fromEntries(await store.lastSeqs())).toEqual({ 'shelter/a': seq, 'shelter/b': seqB });
      await store.saveSummaries([{ docName: 'shelter/a', seq, computedAt: '2026-11-22T00:00:00.000Z', data: '{"n":1}' }]);
      await store.saveSummaries([{ docName: 'shelter/a', seq: seq - 1, computedAt: '2026-11-21T00:00:00.000Z', data: '{"n":0}' }]);
      const reopened = await h!.reopen();
      expect(await reopened.loadSummaries()).toEqual([{ docName: 'shelter/a', seq, computedAt: '2026-11-22T00:00:00.000Z', data: '{"n":1}' }]);
      // compaction keeps the last sequence number of a document
      await reopened.compact('shelter/a', Y.encodeStateAsUpdate(a), seq);
      expect((await reopened.lastSeqs()).get('shelter/a')).toBe(seq);
    });

    it('the health check writes, and fails once the store is closed', async () => {
      const { store } = await harness();
      await expect(store.healthCheck(new Date())).resolves.toBeUndefined();
      await store.close();
      await expect(store.healthCheck(new Date())).rejects.toThrow();
    });

    // A store several instances share (store.feed) must also keep these promises.
    it('shared: two instances appending to one document get gap-free sequence numbers, in commit order', async (ctx) => {
      const harnessed = await harness();
      if (!harnessed.store.feed || !harnessed.openAnother) return ctx.skip();
      const other = await harnessed.openAnother();
      try {
        const a = new Y.Doc();
        const b = new Y.Doc();
        const writes: Promise<number[]>[] = [];
        for (let i = 0; i < 40; i++) {
          const [s, d] = i % 2 ? [harnessed.store, a] : [other, b];
          writes.push(s.append([{ docName: 'shelter/g', update: edit(d, (x) => x.getMap('m').set(`k${i}`, i)) }, { docName: `shelter/g${i % 3}`, update: edit(new Y.Doc(), (x) => x.getMap('m').set('x', i)) }], new Date()));
        }
        const seqs = (await Promise.all(writes)).map((r) => r[0]).sort((x, y) => x - y);
        expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        const since = await harnessed.store.feed.readSince('shelter/g', 30);
        expect(since.snapshot).toBeNull();
        expect(since.updates.map((u) => u.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 31));
        const all = await other.loadUpdates('shelter/g');
        expect(replay(all.updates).getMap('m').size).toBe(40);
      } finally {
        await other.close();
      }
    });

    it('shared: every instance hears (document, seq) of every commit and of every revocation, but never the update', async (ctx) => {
      const harnessed = await harness();
      if (!harnessed.store.feed || !harnessed.openAnother) return ctx.skip();
      const other = await harnessed.openAnother();
      const heard: string[] = [];
      const stop = await other.feed!.listen({
        committed: (doc, seq) => heard.push(`${doc} ${seq}`),
        revoked: (jti) => heard.push(`revoked ${jti}`),
        reconnected: () => heard.push('reconnected'),
      });
      try {
        const d = new Y.Doc();
        // larger than NOTIFY's 8,000-byte payload limit
        await harnessed.store.append([{ docName: 'shelter/n', update: edit(d, (x) => x.getMap('m').set('big', 'x'.repeat(20_000))) }], new Date());
        await harnessed.store.append([{ docName: 'shelter/n', update: edit(d, (x) => x.getMap('m').set('k', 1)) }, { docName: 'hq', update: edit(new Y.Doc(), (x) => x.getMap('m').set('k', 1)) }], new Date());
        await harnessed.store.revoke('j9', new Date());
        for (let i = 0; i < 100 && heard.length < 4; i++) await new Promise((r) => setTimeout(r, 20));
        expect(heard.sort()).toEqual(['hq 1', 'revoked j9', 'shelter/n 1', 'shelter/n 2']);
      } finally {
        await stop();
        await other.close();
      }
    });

    it('shared: reading after a compaction returns the snapshot, then the later updates', async (ctx) => {
      const harnessed = await harness();
      const { store } = harnessed;
      if (!store.feed) return ctx.skip();
      const d = new Y.Doc();
      for (let i = 0; i < 10; i++) await store.append([{ docName: 'shelter/r', update: edit(d, (x) => x.getMap('m').set(`k${i}`, i)) }], new Date());
      const first6 = replay((await store.loadUpdates('shelter/r')).updates.slice(0, 6));
      await store.compact('shelter/r', Y.encodeStateAsUpdate(first6), 6);
      const since = await store.feed.readSince('shelter/r', 3);
      expect(since.snapshot?.uptoSeq).toBe(6);
      expect(since.updates.map((u) => u.seq)).toEqual([7, 8, 9, 10]);
      expect((await store.feed.readSince('shelter/r', 8)).snapshot).toBeNull();
      expect((await store.feed.readSince('shelter/r', 8)).updates.map((u) => u.seq)).toEqual([9, 10]);
    });

    it('shared: a compaction never loses an update written concurrently by another instance, and an older snapshot never replaces a newer one', async (ctx) => {
      const harnessed = await harness();
      if (!harnessed.store.feed || !harnessed.openAnother) return ctx.skip();
      const other = await harnessed.openAnother();
      try {
        const d = new Y.Doc();
        for (let i = 0; i < 20; i++) await harnessed.store.append([{ docName: 'shelter/k', update: edit(d, (x) => x.getMap('m').set(`a${i}`, i)) }], new Date());
        const at20 = Y.encodeStateAsUpdate(d);
        // Another instance writes while this one compacts what it has applied (up to 20).
        const e = new Y.Doc();
        const writes = Array.from({ length: 20 }, (_, i) =>
          other.append([{ docName: 'shelter/k', update: edit(e, (x) => x.getMap('m').set(`b${i}`, i)) }], new Date()),
        );
        await Promise.all([harnessed.store.compact('shelter/k', at20, 20), ...writes]);
        // A third instance that had applied only up to 10 compacts late: its snapshot must not win.
        await other.compact('shelter/k', Y.encodeStateAsUpdate(new Y.Doc()), 10);
        const loaded = await harnessed.store.loadUpdates('shelter/k');
        const m = replay(loaded.updates).getMap('m');
        expect(m.size).toBe(40);
        expect(loaded.lastSeq).toBe(40);
      } finally {
        await other.close();
      }
    });

    it('keeps records beside the documents: upsert, insert once, list by group, count by group prefix, erase; across a restart', async () => {
      const harnessed = await harness();
      const { store } = harnessed;
      const at = new Date('2026-12-07T00:00:00Z');
      await store.putRecord({ kind: 'report', id: 'r1', grp: 'd1|evacuated', data: '{"a":1}' }, at);
      await store.putRecord({ kind: 'report', id: 'r2', grp: 'd1|not-yet', data: '{}' }, at);
      await store.putRecord({ kind: 'report', id: 'r3', grp: 'd2|evacuated', data: '{}' }, at);
      await store.putRecord({ kind: 'other', id: 'r1', grp: 'd1|evacuated', data: '{}' }, at);
      // an upsert replaces, never duplicates
      await store.putRecord({ kind: 'report', id: 'r1', grp: 'd1|safe-at-home', data: '{"a":2}' }, new Date('2026-12-07T01:00:00Z'));
      expect(await store.getRecord('report', 'r1')).toEqual({ kind: 'report', id: 'r1', grp: 'd1|safe-at-home', data: '{"a":2}', updatedAt: '2026-12-07T01:00:00.000Z' });
      expect(await store.getRecord('report', 'nope')).toBeNull();
      // many at once, in one transaction: inserted and replaced alike, a repeated id keeps its last
      await store.putRecords([
        { kind: 'listed', id: 'l1', grp: 'd1', data: '1' },
        { kind: 'listed', id: 'l2', grp: 'd2', data: '2' },
        { kind: 'listed', id: 'l1', grp: 'd1', data: '1b' },
      ], at);
      await store.putRecords([{ kind: 'listed', id: 'l2', grp: 'd3', data: '2b' }], at);
      await store.putRecords([], at);
      expect((await store.listRecords('listed')).map((r) => [r.id, r.grp, r.data])).toEqual([['l1', 'd1', '1b'], ['l2', 'd3', '2b']]);
      expect(Object.fromEntries(await store.countRecords('report', 'd1|'))).toEqual({ 'd1|safe-at-home': 1, 'd1|not-yet': 1 });
      expect((await store.countRecords('report')).size).toBe(3);
      expect((await store.listRecords('report', 'd2|evacuated')).map((r) => r.id)).toEqual(['r3']);
      expect((await store.listRecords('report')).map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
      // insert once: the second insert of an id changes nothing
      expect(await store.insertRecord({ kind: 'claim', id: 'e1', grp: '', data: '"first"' }, at)).toBe(true);
      expect(await store.insertRecord({ kind: 'claim', id: 'e1', grp: '', data: '"second"' }, at)).toBe(false);
      expect((await store.getRecord('claim', 'e1'))?.data).toBe('"first"');
      if (harnessed.openAnother) {
        // two instances race for one claim: exactly one wins
        const other = await harnessed.openAnother();
        try {
          const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).insertRecord({ kind: 'claim', id: 'race', grp: '', data: String(i) }, at)));
          expect(results.filter(Boolean)).toHaveLength(1);
        } finally {
          await other.close();
        }
      }
      expect(await store.deleteRecords('report', ['r2', 'missing'])).toBe(1);
      const current = await harnessed.reopen();
      expect((await current.listRecords('report')).map((r) => r.id)).toEqual(['r1', 'r3']);
      await current.putRecord({ kind: 'sos', id: 's1', grp: 'received', data: JSON.stringify({ name: '記録消去太郎' }) }, at);
      expect(await current.deleteRecords('sos', 'all', { erase: true })).toBe(1);
      expect(await current.listRecords('sos')).toEqual([]);
      expect((await current.listRecords('other')).length).toBe(1);
    });

    it('shared: an append racing another instance\'s purge is either wiped by it or refused, never stored after it', async (ctx) => {
      const harnessed = await harness();
      if (!harnessed.store.feed || !harnessed.openAnother) return ctx.skip();
      const other = await harnessed.openAnother();
      try {
        const d = new Y.Doc();
        await harnessed.store.append([{ docName: 'shelter/x', update: edit(d, (x) => x.getMap('people').set('p0', '名前0')) }], new Date());
        const epoch = '2026-12-03T00:00:00.000Z';
        const fresh = new Y.Doc();
        fresh.getMap('meta').set('purgedAt', epoch);
        // The other instance's tablet keeps writing on the old copy while this one purges.
        const writes = Array.from({ length: 30 }, (_, i) =>
          other.append([{ docName: 'shelter/x', update: edit(d, (x) => x.getMap('people').set(`p${i + 1}`, `名前${i + 1}`)) }], new Date()),
        );
        const [purgeSeq, ...seqs] = await Promise.all([harnessed.store.replaceDocument('shelter/x', Y.encodeStateAsUpdate(fresh), epoch), ...writes]);
        const stored = seqs.map(([s]) => s).filter((s) => s > 0);
        for (const s of stored) expect(s).toBeLessThan(purgeSeq);
        const loaded = await other.loadUpdates('shelter/x');
        expect(loaded.epoch).toBe(epoch);
        expect(loaded.lastSeq).toBe(purgeSeq);
        expect(replay(loaded.updates).getMap('people').size).toBe(0);
        // after it, old-copy appends are refused and new-epoch ones are stored
        expect(await other.append([{ docName: 'shelter/x', update: edit(d, (x) => x.getMap('people').set('z', '名前z')) }], new Date())).toEqual([0]);
        const [next] = await other.append([{ docName: 'shelter/x', update: edit(fresh, (x) => x.getMap('m').set('k', 1)), epoch }], new Date());
        expect(next).toBe(purgeSeq + 1);
      } finally {
        await other.close();
      }
    });
  });
}
