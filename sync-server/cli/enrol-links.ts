// The two links `npm start` prints (HQ, and the tablet of the first demo shelter). They are kept
// in DATA/start-links.json and reused while valid, so starting the server ten times does not
// leave ten live 7-day tokens behind; a link that expires within a day, or was revoked, is
// replaced and the one it replaces is revoked.
// Usage (scripts/start.mjs, once the server listens): node --import tsx sync-server/cli/enrol-links.ts --data DIR --base URL
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { enrolmentLink, issueToken, loadKeys } from '../core/auth';
import { parseArgs } from './args';
import { registeredShelterIds } from './server-info';
import { openSqliteStore } from '../store/sqlite';
import type { DocStore } from '../store/types';
import type { Role } from '../../domain/tokens';

export const START_LINKS_FILE = 'start-links.json';
const TTL_SECONDS = 7 * 86400;
const RENEW_BEFORE_SECONDS = 86400;

interface Kept {
  hq?: string;
  staff?: string;
}

export async function startLinks(
  dataDir: string,
  base: string,
  wanted: string,
  now = new Date(),
): Promise<{ hq: string; staff: string | null; shelter: string | null; reused: boolean }> {
  const file = join(dataDir, START_LINKS_FILE);
  let kept: Kept = {};
  try {
    kept = JSON.parse(readFileSync(file, 'utf8')) as Kept;
  } catch {
    // none yet
  }
  const store = openSqliteStore(dataDir);
  try {
    const keys = loadKeys(dataDir);
    // The demo's first shelter, else the first registered one; none on an empty registry.
    const known = await registeredShelterIds(store);
    const shelter = known.includes(wanted) ? wanted : (known[0] ?? null);
    let reused = true;
    const tokenFor = async (role: Role, old: string | undefined): Promise<string> => {
      if (old && (await stillGood(store, old, role, shelter ?? '', now))) return old;
      reused = false;
      if (old) {
        const jti = safeJti(old);
        if (jti) await store.revoke(jti, now);
      }
      const r = await issueToken(keys, store, {
        role,
        ...(role === 'staff' ? { shelter } : {}),
        ttlSeconds: TTL_SECONDS,
        device: role === 'hq' ? 'npm start (HQ)' : 'npm start (staff)',
      }, now);
      if (!r.ok) throw new Error(r.error);
      return r.value.token;
    };
    const hq = await tokenFor('hq', kept.hq);
    const staff = shelter ? await tokenFor('staff', kept.staff) : undefined;
    writeFileSync(file, JSON.stringify({ hq, staff }) + '\n', { mode: 0o600 });
    return { hq: enrolmentLink(base, 'hq', hq), staff: staff ? enrolmentLink(base, 'staff', staff) : null, shelter, reused };
  } finally {
    await store.close();
  }
}

function safeJti(token: string): string | null {
  try {
    const jti = decodeJwt(token).jti;
    return typeof jti === 'string' ? jti : null;
  } catch {
    return null;
  }
}

async function stillGood(store: DocStore, token: string, role: Role, shelter: string, now: Date): Promise<boolean> {
  let claims;
  try {
    claims = decodeJwt(token);
  } catch {
    return false;
  }
  if (claims.role !== role || (role === 'staff' && claims.shelter !== shelter)) return false;
  if (typeof claims.exp !== 'number' || claims.exp - now.getTime() / 1000 < RENEW_BEFORE_SECONDS) return false;
  return typeof claims.jti === 'string' && !(await store.isRevoked(claims.jti));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs(process.argv.slice(2), { strings: ['data', 'base', 'shelter'] });
  const dataDir = values.get('data') ?? './data';
  startLinks(dataDir, values.get('base') ?? 'http://localhost:8080', values.get('shelter') ?? 'demo-01').then(
    (l) => {
      console.log(l.hq);
      console.log(l.staff ?? '(no shelter registered yet: add one at HQ, then npm run token -- --role staff --shelter ID)');
      console.log(l.shelter ?? '');
    },
    (e) => {
      console.error((e as Error).message);
      process.exit(1);
    },
  );
}
