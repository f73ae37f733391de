// Storage as the server uses it: compaction keeps content and bounds the rows, idle documents
// leave memory and come back whole, and a store written by an older version still starts.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import * as Y from 'yjs';
import { SQLITE_FILE, STORE_FORMAT_VERSION, openSqliteStore } from '../../sync-server/store/sqlite';
import type { PublicStatus } from '../../domain/public-status';
import { startTestServer, tempDataDir } from '../helpers/server';
import { YClient } from '../helpers/yclient';

describe('compaction and unloading', () => {
  it('compaction keeps every edit and keeps the rows of a busy document bounded', async () => {
    const server = await startTestServer({ compactThreshold: 25 });
    try {
      const c = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/busy', token: await server.token({ role: 'staff', shelter: 'busy' }) });
      await c.whenSynced();
      for (let i = 0; i < 300; i++) {
        c.doc.getMap('log').set(`k${i % 40}`, i); // overwrite: the log grows, the content does not
        if (i % 7 === 0) await new Promise((r) => setImmediate(r));
      }
      await c.whenStored();
      await server.server.writer.flush();
      const rows = await server.server.store.rowCount('shelter/busy');
      expect(rows).toBeLessThanOrEqual(26);
      const expected = c.doc.getMap('log').toJSON();
      await c.destroy();
      // a cold load from the store alone has it all
      const store = server.server.store;
      const d = new Y.Doc();
      for (const u of (await store.loadUpdates('shelter/busy')).updates) Y.applyUpdate(d, u);
      expect(d.getMap('log').toJSON()).toEqual(expected);
    } finally {
      await server.stop();
    }
  });

  it('a document with no clients leaves memory after the grace period and comes back whole', async () => {
    const server = await startTestServer({ unloadGraceMs: 100 });
    try {
      const token = await server.token({ role: 'staff', shelter: 'idle' });
      const c = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/idle', token });
      await c.whenSynced();
      c.doc.getMap('log').set('kept', 'yes');
      await c.whenStored();
      await c.destroy();
      await c.until(() => server.server.registry.get('shelter/idle') === undefined, 'unloaded', 3_000);
      expect(server.server.metrics.documentsLoaded).toBe(1); // only hq, which derive.ts keeps
      const back = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/idle', token });
      await back.whenSynced();
      expect(back.doc.getMap('log').get('kept')).toBe('yes');
      await back.destroy();
    } finally {
      await server.stop();
    }
  });
});

describe('older stores', () => {
  /** A store as store format 1 left it: the update log only, no receipt times, no devices. */
  function writeFormat1Store(dir: string, docs: Record<string, Uint8Array[]>): void {
    const db = new Database(join(dir, SQLITE_FILE));
    db.exec(`CREATE TABLE updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, data BLOB NOT NULL);
             CREATE INDEX updates_by_doc ON updates (doc, seq);
             CREATE TABLE snapshots (doc TEXT PRIMARY KEY, data BLOB NOT NULL, upto_seq INTEGER NOT NULL);`);
    const insert = db.prepare('INSERT INTO updates (doc, data) VALUES (?, ?)');
    for (const [doc, updates] of Object.entries(docs)) for (const u of updates) insert.run(doc, u);
    db.pragma('user_version = 1');
    db.close();
  }

  it('starts on a store written by store format 1 with documents that predate meta.schema, and serves them', async () => {
    const dir = tempDataDir();
    // documents as an early client wrote them: no meta.schema, people without sex, language or consent
    const hq = new Y.Doc();
    hq.getMap('meta').set('region', '旧市');
    const s = new Y.Map<unknown>();
    hq.getMap('shelters').set('old-1', s);
    s.set('name', '旧体育館');
    s.set('lat', 32.5);
    s.set('lon', 130.6);
    s.set('capacity', 100);
    s.set('districtId', 'd');
    const shelter = new Y.Doc();
    shelter.getMap('meta').set('status', 'open');
    for (let i = 0; i < 3; i++) {
      const p = new Y.Map<unknown>();
      shelter.getMap('people').set(`p${i}`, p);
      p.set('name', `旧 ${i}`);
      p.set('stay', 'shelter');
      p.set('ageGroup', 'adult');
      p.set('checkedInAt', new Date().toISOString());
      p.set('checkedOutAt', null);
    }
    writeFormat1Store(dir, { hq: [Y.encodeStateAsUpdate(hq)], 'shelter/old-1': [Y.encodeStateAsUpdate(shelter)] });

    const server = await startTestServer({ dataDir: dir });
    try {
      const status = (await (await fetch(`${server.url}/api/public/status.json`)).json()) as PublicStatus;
      expect(status.region).toBe('旧市');
      expect(status.shelters).toMatchObject([{ id: 'old-1', name: '旧体育館', headcount: 3, updatedAt: null }]);
      const c = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/old-1', token: await server.token({ role: 'staff', shelter: 'old-1' }) });
      await c.whenSynced();
      expect(c.doc.getMap('people').size).toBe(3);
      c.doc.getMap('meta').set('status', 'full');
      await c.whenStored();
      await c.destroy();
    } finally {
      await server.stop();
    }
    const db = new Database(join(dir, SQLITE_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(STORE_FORMAT_VERSION);
    db.close();
    const store = openSqliteStore(dir);
    const loaded = await store.loadUpdates('shelter/old-1');
    expect(loaded.lastUpdateAt).not.toBeNull(); // the new write has a receipt time, the old ones had none
    const d = new Y.Doc();
    for (const u of loaded.updates) Y.applyUpdate(d, u);
    expect(d.getMap('meta').get('status')).toBe('full');
    expect(d.getMap('people').size).toBe(3);
    await store.close();
  });

  it('refuses, with a clear message, a store written by a newer version', () => {
    const dir = tempDataDir();
    const db = new Database(join(dir, SQLITE_FILE));
    db.pragma(`user_version = ${STORE_FORMAT_VERSION + 1}`);
    db.close();
    expect(() => openSqliteStore(dir)).toThrow(/newer Hinanjo/);
  });
});

describe('hot and cold documents', () => {
  it('an idle document with a client attached keeps only its encoded state, and still syncs, stores and forwards', async () => {
    const server = await startTestServer({ coolAfterMs: 100 });
    try {
      const token = await server.token({ role: 'staff', shelter: 'cool' });
      const a = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/cool', token, name: 'a' });
      await a.whenSynced();
      a.doc.getMap('log').set('first', 1);
      await a.whenStored();
      const live = server.server.registry.get('shelter/cool')!;
      expect(live.isHot).toBe(true);
      await a.until(() => !live.isHot, 'cooled', 3_000);
      // a second client syncs from the cold state, without waking the document
      const b = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/cool', token, name: 'b' });
      await b.whenStored();
      expect(b.doc.getMap('log').get('first')).toBe(1);
      expect(live.isHot).toBe(false);
      // an update wakes it, is stored and forwarded
      b.doc.getMap('log').set('second', 2);
      await b.whenStored();
      await a.until(() => a.doc.getMap('log').get('second') === 2, 'forwarded');
      expect(live.isHot).toBe(true);
      await Promise.all([a.destroy(), b.destroy()]);
    } finally {
      await server.stop();
    }
  });
});
