// Runs the storage contract against every backend there is: SQLite, PostgreSQL, and the
// in-memory store the deterministic sync tests use.
import { rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { MemoryData, openMemoryStore } from '../../sync-server/store/memory';
import { openPostgresStore } from '../../sync-server/store/postgres';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { openSqliteStore } from '../../sync-server/store/sqlite';
import type { DocStore } from '../../sync-server/store/types';
import { tempDataDir } from '../helpers/server';
import { storeContract } from './store-contract';

storeContract('SQLite (better-sqlite3, WAL)', async () => {
  const dir = tempDataDir('hinanjo-store-');
  let store: DocStore = openSqliteStore(dir);
  const harness = {
    store,
    async reopen() {
      await store.close();
      store = openSqliteStore(dir);
      harness.store = store;
      return store;
    },
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
});

// PostgreSQL: a real server started for this file (test/helpers/postgres.ts), a fresh database per test.
let postgres: TestPostgres | null = null;
afterAll(async () => {
  await postgres?.stop();
});

storeContract('PostgreSQL (shared by several instances)', async () => {
  postgres ??= await startTestPostgres();
  const url = await postgres.createDatabase();
  const opened: DocStore[] = [];
  const open = async () => {
    const s = await openPostgresStore(url, { log: () => undefined });
    opened.push(s);
    return s;
  };
  const harness = {
    store: await open(),
    async reopen() {
      await harness.store.close();
      harness.store = await open();
      return harness.store;
    },
    openAnother: open,
    async cleanup() {
      for (const s of opened) await s.close().catch(() => undefined);
    },
  };
  return harness;
});

storeContract('in memory (for deterministic tests)', async () => {
  const data = new MemoryData();
  const harness = {
    store: openMemoryStore(data),
    async reopen() {
      await harness.store.close();
      harness.store = openMemoryStore(data);
      return harness.store;
    },
    async cleanup() {
      await harness.store.close();
    },
  };
  return harness;
});

storeContract('in memory, shared by several instances (the deterministic harness’s two instances)', async () => {
  const data = new MemoryData();
  const opened: DocStore[] = [];
  const open = async () => {
    const s = openMemoryStore(data, { shared: true });
    opened.push(s);
    return s;
  };
  const harness = {
    store: await open(),
    async reopen() {
      await harness.store.close();
      harness.store = await open();
      return harness.store;
    },
    openAnother: open,
    async cleanup() {
      for (const s of opened) await s.close().catch(() => undefined);
    },
  };
  return harness;
});
