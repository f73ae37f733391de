// Access tokens and the access rules of DESIGN.md. Tokens are JWTs signed with Ed25519 (EdDSA,
// jose) carrying domain/tokens.ts claims. The key pair is derived from the one secret the city
// already keeps (HINANJO_SECRET, else <data>/secret, readable by the owner only), so
// `npm run token`, the server and existing enrolment scripts find their key material as before;
// a shelter box gets only the public key (GET /api/public/token-key) and can mint nothing.
// Tokens signed before the switch (HS256 with the secret itself) keep working on the city server
// until they expire (at most 30 days); a box, which has no secret, refuses them with a clear
// reason ('legacy'). Every issued token is recorded in the store so HQ can list devices and revoke
// a lost one; revocation is checked on connect and on every heartbeat tick (core/sync-service.ts).
import { SignJWT, jwtVerify, decodeProtectedHeader, exportJWK, errors as joseErrors, type JWK } from 'jose';
import { createHash, createPrivateKey, createPublicKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { DocRef } from '../../domain/schema';
import { SHELTER_ID_PATTERN } from '../../domain/schema';
import { ROLES, SHELTER_ROLES, type Role, type TokenClaims } from '../../domain/tokens';
import { type Result, err, ok } from '../../domain/result';
import type { DeviceRecord, DeviceStore } from '../store/types';

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

/** The token keys of a deployment (city server) or of a box (verifying only). */
export interface TokenKeys {
  /** Ed25519 private key; null on a box. */
  signing: KeyObject | null;
  /** Ed25519 public key: verifies every token. */
  verifying: KeyObject;
  /** Key id: the first 16 hex digits of the public key's SHA-256 (the JWT header's kid). */
  kid: string;
  /** The HS256 secret of tokens issued before EdDSA, accepted until they expire; null on a box. */
  legacySecret: Uint8Array | null;
}

// PKCS#8 DER header of an Ed25519 private key, followed by its 32-byte seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The city's keys, derived from the secret (HKDF-SHA256): the same secret always gives the same pair. */
export function keysFromSecret(secret: Uint8Array): TokenKeys {
  const seed = Buffer.from(hkdfSync('sha256', secret, 'hinanjo', 'token-signing-ed25519', 32));
  const signing = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const verifying = createPublicKey(signing);
  return { signing, verifying, kid: keyId(verifying), legacySecret: secret };
}

export function loadKeys(dataDir: string, env: NodeJS.ProcessEnv = process.env): TokenKeys {
  return keysFromSecret(loadSecret(dataDir, env));
}

function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 16);
}

/** The public key as a JWK (GET /api/public/token-key): all a box needs to check tokens. */
export async function publicJwk(keys: TokenKeys): Promise<JWK> {
  return { ...(await exportJWK(keys.verifying)), alg: 'EdDSA', use: 'sig', kid: keys.kid };
}

/** Verifying-only keys from a published JWK (a box). */
export function keysFromPublicJwk(jwk: JWK): TokenKeys {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || 'd' in jwk) {
    throw new Error('not an Ed25519 public key');
  }
  const verifying = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  return { signing: null, verifying, kid: keyId(verifying), legacySecret: null };
}

export interface IssueOptions {
  role: Role;
  shelter?: string;
  ttlSeconds?: number;
  device?: string;
}

export type IssueResult = Result<{ token: string; claims: TokenClaims }, string>;

export async function issueToken(
  keys: TokenKeys,
  store: DeviceStore,
  opts: IssueOptions,
  now: Date = new Date(),
): Promise<IssueResult> {
  if (!keys.signing) return err('this server holds no signing key (a shelter box cannot issue tokens)');
  if (!ROLES.includes(opts.role)) return err(`unknown role "${opts.role}" (${ROLES.join(', ')})`);
  const boundToShelter = SHELTER_ROLES.includes(opts.role);
  if (boundToShelter && !(opts.shelter && SHELTER_ID_PATTERN.test(opts.shelter))) {
    return err(`a ${opts.role} token needs --shelter ID (letters, digits, "-" and "_")`);
  }
  if (!boundToShelter && opts.shelter) return err(`an ${opts.role} token has no shelter`);
  const ttl = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!(ttl > 0)) return err('the time to live must be positive');
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
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: keys.kid })
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keys.signing);
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
  return ok({ token, claims });
}

/**
 * HS256 tokens (signed with the shared secret before the switch to EdDSA) are accepted on the
 * city until this date and no later: they had at most DEFAULT_TTL_SECONDS to live when issued,
 * so none issued honestly is still valid by then. The server prints it at start.
 */
export const LEGACY_HS256_UNTIL = new Date('2027-01-31T00:00:00Z');
/** A token issued in the future (beyond this clock skew) is refused, whatever signs it. */
const FUTURE_IAT_SKEW_S = 60;

/**
 * Why a token is refused. 'legacy': signed with the old shared secret, which only the city
 * server holds (a box says so instead of "invalid").
 */
export type RefusalReason = 'missing' | 'invalid' | 'expired' | 'revoked' | 'legacy';
export type VerifyResult = Result<TokenClaims, RefusalReason>;

export async function verifyToken(
  keys: TokenKeys,
  store: Pick<DeviceStore, 'isRevoked'>,
  token: string | null | undefined,
  now: Date = new Date(),
): Promise<VerifyResult> {
  if (!token) return err('missing');
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return err('invalid');
  }
  const options = { currentDate: now, requiredClaims: ['jti', 'exp', 'iat'] };
  let payload: Record<string, unknown>;
  try {
    if (alg === 'EdDSA') {
      ({ payload } = await jwtVerify(token, keys.verifying, { ...options, algorithms: ['EdDSA'] }));
    } else if (alg === 'HS256') {
      if (!keys.legacySecret) return err('legacy');
      if (now.getTime() >= LEGACY_HS256_UNTIL.getTime()) return err('legacy');
      ({ payload } = await jwtVerify(token, keys.legacySecret, { ...options, algorithms: ['HS256'] }));
      // Never longer-lived than the tokens of that time were.
      const { iat, exp } = payload as { iat?: unknown; exp?: unknown };
      if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > DEFAULT_TTL_SECONDS) return err('invalid');
    } else {
      return err('invalid');
    }
  } catch (e) {
    return err(e instanceof joseErrors.JWTExpired ? 'expired' : 'invalid');
  }
  const claims = toClaims(payload);
  if (!claims) return err('invalid');
  if (claims.iat > now.getTime() / 1000 + FUTURE_IAT_SKEW_S) return err('invalid');
  if (await store.isRevoked(claims.jti)) return err('revoked');
  return ok(claims);
}

function toClaims(p: Record<string, unknown>): TokenClaims | null {
  const { role, shelter, jti, exp, iat, device } = p;
  if (!ROLES.includes(role as Role)) return null;
  if (typeof jti !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') return null;
  const bound = SHELTER_ROLES.includes(role as Role);
  if (bound && (typeof shelter !== 'string' || !SHELTER_ID_PATTERN.test(shelter))) return null;
  return {
    role: role as Role,
    ...(bound ? { shelter: shelter as string } : {}),
    jti,
    exp,
    iat,
    ...(typeof device === 'string' ? { device } : {}),
  };
}

export type Access = 'none' | 'read' | 'write';

/**
 * DESIGN.md: staff (and a box) read and write their shelter and read hq; hq reads and writes
 * everything.
 */
export function accessFor(claims: TokenClaims, doc: DocRef): Access {
  if (claims.role === 'hq') return 'write';
  if (doc.kind === 'hq') return 'read';
  return doc.shelterId === claims.shelter ? 'write' : 'none';
}

/** The lesser of two accesses (a box limits what any token may do through it). */
export function narrower(a: Access, b: Access): Access {
  const rank = { none: 0, read: 1, write: 2 } as const;
  return rank[a] <= rank[b] ? a : b;
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
