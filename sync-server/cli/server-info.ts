// DATA/server.json: where the server running on a data directory listens, so that
// `npm run token` prints links for that server (its real port), not for a guessed default.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { HQ_DOC, hqShelters } from '../../domain/schema';
import type { DocStore } from '../store/types';

export const SERVER_INFO_FILE = 'server.json';

export interface ServerInfo {
  url: string;
  port: number;
  pid: number;
}

export function writeServerInfo(dataDir: string, info: ServerInfo): void {
  // With a shared store (--store postgres://…) nothing else creates the data directory.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dataDir, SERVER_INFO_FILE), JSON.stringify(info) + '\n', { mode: 0o600 });
}

export function removeServerInfo(dataDir: string, pid = process.pid): void {
  const info = readServerInfo(dataDir, { alive: false });
  if (info?.pid === pid) rmSync(join(dataDir, SERVER_INFO_FILE), { force: true });
}

/** The running server of a data directory, or null (none written, or its process is gone). */
export function readServerInfo(dataDir: string, { alive = true } = {}): ServerInfo | null {
  let info: ServerInfo;
  try {
    info = JSON.parse(readFileSync(join(dataDir, SERVER_INFO_FILE), 'utf8')) as ServerInfo;
  } catch {
    return null;
  }
  if (typeof info?.url !== 'string' || typeof info.pid !== 'number') return null;
  if (alive) {
    try {
      process.kill(info.pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return null;
    }
  }
  return info;
}

/** The shelter ids in the registry (the hq document as stored). */
export async function registeredShelterIds(store: DocStore): Promise<string[]> {
  const { updates } = await store.loadUpdates(HQ_DOC);
  const doc = new Y.Doc();
  for (const u of updates) {
    try {
      Y.applyUpdate(doc, u);
    } catch {
      // a damaged row: the server skips it too
    }
  }
  const ids = [...hqShelters(doc).keys()].sort();
  doc.destroy();
  return ids;
}
