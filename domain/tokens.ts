// Claims carried by an access token (a JWT signed by the server, see sync-server/auth.ts).
// Shared so the PWA can show who it is enrolled as (jose's decodeJwt reads them unverified).

export type Role = 'staff' | 'hq';

export interface TokenClaims {
  role: Role;
  /** The one shelter a staff token may write; absent for hq. */
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
