// Device enrolment: `/shelter/?token=T` (or `/hq/?token=T`) stores T for that surface, takes it
// out of the address bar (so it is not bookmarked, shared or shown on screen), and tells the
// surface what it may open. The claims are read unverified: the server verifies on every connect.
import { decodeJwt } from 'jose';
import { err, ok, type Result } from '../../domain/result';
import type { Role, TokenClaims } from '../../domain/tokens';

export type Surface = 'shelter' | 'hq';

export interface NotEnrolledReason {
  reason: 'missing' | 'malformed' | 'expired' | 'wrong-role' | 'wiped';
  /** When this device erased itself after HQ revoked it (reason 'wiped'). */
  wipedAt?: string;
}

export type Enrolment = Result<{ token: string; claims: TokenClaims }, NotEnrolledReason>;

const ROLE_OF: Record<Surface, Role> = { shelter: 'staff', hq: 'hq' };
const storageKey = (surface: Surface) => `hinanjo:${surface}:token`;

export function storedToken(surface: Surface): string | null {
  return localStorage.getItem(storageKey(surface));
}

export function forgetToken(surface: Surface): void {
  localStorage.removeItem(storageKey(surface));
}

export const WIPED_KEY = 'hinanjo:wipedAt';

/** Remembers that this device erased itself after HQ revoked it (wipe.ts); nothing else is kept. */
export function markWiped(at: Date): void {
  localStorage.setItem(WIPED_KEY, at.toISOString());
}

/**
 * Checks a token's claims for a surface, without verifying its signature. `allowExpired` is for
 * the token a device already holds: its own data stays usable offline after the token expires
 * (the server then refuses to sync, and the sync indicator says so).
 */
export function checkToken(
  surface: Surface,
  token: string | null,
  { now = Date.now(), allowExpired = false }: { now?: number; allowExpired?: boolean } = {},
): Enrolment {
  if (!token) return err({ reason: 'missing' });
  let claims: TokenClaims;
  try {
    claims = decodeJwt(token) as unknown as TokenClaims;
  } catch {
    return err({ reason: 'malformed' });
  }
  if (typeof claims.role !== 'string' || typeof claims.exp !== 'number') return err({ reason: 'malformed' });
  if (claims.role !== ROLE_OF[surface]) return err({ reason: 'wrong-role' });
  if (surface === 'shelter' && typeof claims.shelter !== 'string') return err({ reason: 'malformed' });
  if (!allowExpired && claims.exp * 1000 <= now) return err({ reason: 'expired' });
  return ok({ token, claims });
}

/**
 * Reads `?token=` from the address (storing it when it is good for this surface and stripping it
 * from the URL either way), else falls back to the token stored earlier. A new link must not be
 * expired; a stored token may be (see checkToken).
 */
export function enrolFromUrl(surface: Surface): Enrolment {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    const result = checkToken(surface, fromUrl);
    if (result.ok) {
      localStorage.setItem(storageKey(surface), fromUrl);
      localStorage.removeItem(WIPED_KEY);
    }
    return result;
  }
  const stored = storedToken(surface);
  const wipedAt = localStorage.getItem(WIPED_KEY);
  if (!stored && wipedAt) return err({ reason: 'wiped', wipedAt });
  return checkToken(surface, stored, { allowExpired: true });
}
