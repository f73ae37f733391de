// The storage contract: every DocStore backend must pass this suite. It is a function over a
// store factory so a PostgreSQL backend runs the very same tests (see store-contract.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DeviceRecord, DocStore } from '../../sync-server/store/types';

export interface StoreHarness {
  store: DocStore;
  /** Closes the store and opens the same storage again (a restart). */
  reopen(): Promise<DocStore>;
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
      expect(await store.loadUpdates('shelter/none')).toEqual({ updates: [], lastSeq: 0, updatesSinceSnapshot: 0, lastUpdateAt: null });
      expect(await store.append([], new Date())).toEqual([]);
    });

    it('a batch over several documents gets increasing sequence numbers and loads back in order', async () => {
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
      expect(seqs[0] < seqs[1] && seqs[1] < seqs[2]).toBe(true);
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
      await store.append([{ docName: 'shelter/b', update: edit(new Y.Doc(), (d) => d.getMap('m').set('y', 1)) }], new Date());
      expect(Object.fromEntries(await store.lastSeqs())).toEqual({ 'shelter/a': seq, 'shelter/b': seq + 1 });
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
  });
}
