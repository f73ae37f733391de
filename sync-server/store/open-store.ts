// Which store a server or the token CLI opens, and the token keys that go with it. One place,
// so `npm run server -- --store postgres://…` and `npm run token -- --store postgres://…`
// agree: SQLite in the data directory by default; PostgreSQL when a URL (or DATABASE_URL)
// names one, with the signing secret kept in the database so every instance signs alike
// (HINANJO_SECRET still overrides it).
import { keysFromSecret, loadKeys, type TokenKeys } from '../core/auth';
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import type { DocStore } from './types';

/** The store URL from --store or DATABASE_URL; only postgres:// and postgresql:// are known. */
export function storeUrlFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = option ?? env.DATABASE_URL;
  if (url === undefined || url === '') return undefined;
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`--store must be a postgres:// URL (SQLite in --data is the default), not "${url.slice(0, 40)}"`);
  }
  return url;
}

export async function openStore(opts: { dataDir: string; storeUrl?: string }): Promise<DocStore> {
  return opts.storeUrl ? openPostgresStore(opts.storeUrl) : openSqliteStore(opts.dataDir);
}

export async function keysFor(store: DocStore, dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<TokenKeys> {
  if (store.sharedSecret && !env.HINANJO_SECRET) return keysFromSecret(await store.sharedSecret());
  return loadKeys(dataDir, env);
}
