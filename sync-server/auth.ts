// Access tokens and the access rules of DESIGN.md. Tokens are JWTs (HS256, jose) carrying
// domain/tokens.ts claims; the secret comes from HINANJO_SECRET or is generated once into
// <data>/secret, readable by the owner only. Every issued token is recorded in the store so
// HQ can list devices and revoke a lost one; revocation is checked on connect and on every
// heartbeat tick (sync.ts), so it also reaches connections that are already open.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { DocRef } from '../domain/schema';
import { SHELTER_ID_PATTERN } from '../domain/schema';
import type { Role, TokenClaims } from '../domain/tokens';
import type { DeviceRecord, DocStore } from './store/types';

export const SECRET_FILE = 'secret';
export const DEFAULT_TTL_SECONDS = 30 * 24 * 3600;

/** The signing secret: HINANJO_SECRET, else <dataDir>/secret (created 0600 on first use). */
export function loadSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  if (env.HINANJO_SECRET) {
    if (env.HINANJO_SECRET.length < 32) throw new Error('HINANJO_SECRET must be at least 32 characters');
    return new TextEncoder().encode(env.HINANJO_SECRET);
  }
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SECRET_FILE);
  try {
    return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const secret = randomBytes(48).toString('base64url');
  try {
    // 'wx': if another process (server and token CLI started together) won the race, read theirs.
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return new TextEncoder().encode(secret);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
  }
}

export interface IssueOptions {
  role: Role;
  shelter?: string;
  ttlSeconds?: number;
  device?: string;
}

export type IssueResult = { ok: true; token: string; claims: TokenClaims } | { ok: false; error: string };

export async function issueToken(
  secret: Uint8Array,
  store: DocStore,
  opts: IssueOptions,
  now: Date = new Date(),
): Promise<IssueResult> {
  if (opts.role !== 'staff' && opts.role !== 'hq') return { ok: false, error: `unknown role "${opts.role}" (staff or hq)` };
  if (opts.role === 'staff' && !(opts.shelter && SHELTER_ID_PATTERN.test(opts.shelter))) {
    return { ok: false, error: 'a staff token needs --shelter ID (letters, digits, "-" and "_")' };
  }
  if (opts.role === 'hq' && opts.shelter) return { ok: false, error: 'an hq token has no shelter' };
  const ttl = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!(ttl > 0)) return { ok: false, error: 'the time to live must be positive' };
  const iat = Math.floor(now.getTime() / 1000);
  const claims: TokenClaims = {
    role: opts.role,
    ...(opts.shelter ? { shelter: opts.shelter } : {}),
    jti: uuidv7(),
    iat,
    exp: iat + Math.round(ttl),
    ...(opts.device ? { device: opts.device } : {}),
  };
  const { jti, iat: _i, exp, ...rest } = claims;
  const token = await new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(secret);
  const record: DeviceRecord = {
    jti,
    role: claims.role,
    shelter: claims.shelter ?? null,
    device: claims.device ?? null,
    issuedAt: new Date(iat * 1000).toISOString(),
    expiresAt: new Date(exp * 1000).toISOString(),
    revokedAt: null,
  };
  await store.recordDevice(record);
  return { ok: true, token, claims };
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'revoked' };

export async function verifyToken(
  secret: Uint8Array,
  store: DocStore,
  token: string | null | undefined,
  now: Date = new Date(),
): Promise<VerifyResult> {
  if (!token) return { ok: false, reason: 'missing' };
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      currentDate: now,
      requiredClaims: ['jti', 'exp', 'iat'],
    }));
  } catch (e) {
    return { ok: false, reason: e instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
  const claims = toClaims(payload);
  if (!claims) return { ok: false, reason: 'invalid' };
  if (await store.isRevoked(claims.jti)) return { ok: false, reason: 'revoked' };
  return { ok: true, claims };
}

function toClaims(p: Record<string, unknown>): TokenClaims | null {
  const { role, shelter, jti, exp, iat, device } = p;
  if (role !== 'staff' && role !== 'hq') return null;
  if (typeof jti !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') return null;
  if (role === 'staff' && (typeof shelter !== 'string' || !SHELTER_ID_PATTERN.test(shelter))) return null;
  return {
    role,
    ...(role === 'staff' ? { shelter: shelter as string } : {}),
    jti,
    exp,
    iat,
    ...(typeof device === 'string' ? { device } : {}),
  };
}

export type Access = 'none' | 'read' | 'write';

/** DESIGN.md: staff reads and writes its shelter and reads hq; hq reads and writes everything. */
export function accessFor(claims: TokenClaims, doc: DocRef): Access {
  if (claims.role === 'hq') return 'write';
  if (doc.kind === 'hq') return 'read';
  return doc.shelterId === claims.shelter ? 'write' : 'none';
}

/** The bearer token of an HTTP request: Authorization header, else ?token=. */
export function bearerToken(authorization: string | undefined, url: URL): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return m ? m[1] : url.searchParams.get('token');
}

/** Enrolment link for a token (DESIGN.md: /shelter/?token=… or /hq/?token=…). */
export function enrolmentLink(base: string, role: Role, token: string): string {
  const path = role === 'hq' ? '/hq/' : '/shelter/';
  return `${base.replace(/\/+$/, '')}${path}?token=${encodeURIComponent(token)}`;
}
