// Claims carried by an access token (a JWT signed by the city server, see sync-server/core/auth.ts).
// Shared so the PWA can show who it is enrolled as (jose's decodeJwt reads them unverified).

/**
 * staff: one shelter's tablets; hq: the city's HQ; box: a shelter box (a server in the shelter
 * that relays that one shelter's document to the city and reads hq, nothing else).
 */
export type Role = 'staff' | 'hq' | 'box';
export const ROLES: readonly Role[] = ['staff', 'hq', 'box'];

/** Roles bound to one shelter (the `shelter` claim). */
export const SHELTER_ROLES: readonly Role[] = ['staff', 'box'];

export interface TokenClaims {
  role: Role;
  /** The one shelter a staff or box token may write; absent for hq. */
  shelter?: string;
  /** Token id, used to revoke a lost device. */
  jti: string;
  /** Seconds since the epoch. */
  exp: number;
  iat: number;
  /** A label for the device, shown in HQ's device list. */
  device?: string;
}


/** One issued token as HQ's device list shows it (GET /api/hq/devices). */
export interface DeviceRecord {
  jti: string;
  role: Role;
  shelter: string | null;
  device: string | null;
  issuedAt: string;
  expiresAt: string;
  revokedAt: string | null;
}
