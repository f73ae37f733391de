// Runs the storage contract against every backend there is (today: SQLite).
import { rmSync } from 'node:fs';
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
