// The shelter box a tablet syncs with besides the city (DESIGN.md: shelter box). Its address comes
// in the enrolment link (`/shelter/?token=…&box=wss://box.example:8443`) or is typed once by staff
// and checked against the box itself. The app's origin stays the city's (its service worker and
// IndexedDB live there); only the sync socket goes to the box.
//
// A page served over https may only open wss:// (mixed content), so a box needs a hostname and a
// certificate the tablets trust (README: "Shelter box"). ws:// is accepted for loopback only
// (development and tests on one machine).
import type { Result } from '../../../domain/result';

const KEY = 'hinanjo:shelter:box';

export type BoxAddressError = 'not-a-url' | 'insecure' | 'unreachable' | 'not-a-box' | 'other-shelter';

/** The address as stored: scheme, host and port of the box (no path). */
export function parseBoxAddress(text: string): Result<string, BoxAddressError> {
  let url: URL;
  try {
    url = new URL(text.trim().includes('://') ? text.trim() : `wss://${text.trim()}`);
  } catch {
    return { ok: false, error: 'not-a-url' };
  }
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol === 'http:') url.protocol = 'ws:';
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'wss:' && !(url.protocol === 'ws:' && loopback)) return { ok: false, error: 'insecure' };
  return { ok: true, value: `${url.protocol}//${url.host}` };
}

export function storedBoxAddress(): string | null {
  return localStorage.getItem(KEY);
}

export function storeBoxAddress(address: string | null): void {
  if (address) localStorage.setItem(KEY, address);
  else localStorage.removeItem(KEY);
}

/** The sync endpoint of a box address (for openSyncedDoc's boxUrl). */
export function boxSyncUrl(address: string): string {
  return `${address}/sync`;
}

/** The box's web origin (its /api/public/basemap.json): wss://host:port → https://host:port. */
export function boxWebOrigin(address: string): string {
  return address.replace(/^ws(s?):/, 'http$1:');
}

/** Takes `?box=` from the enrolment link (validated; dropped from the address bar either way). */
export function boxFromEnrolmentLink(): void {
  const url = new URL(location.href);
  const given = url.searchParams.get('box');
  if (given === null) return;
  url.searchParams.delete('box');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  const parsed = parseBoxAddress(given);
  if (parsed.ok) storeBoxAddress(parsed.value);
}

/** Asks the box who it is: it must answer as a box for this shelter. */
export async function checkBox(address: string, shelterId: string): Promise<Result<string, BoxAddressError>> {
  const http = address.replace(/^ws/, 'http');
  try {
    const res = await fetch(`${http}/api/box/status`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { box?: boolean; shelterId?: string };
    if (body.box !== true) return { ok: false, error: 'not-a-box' };
    if (body.shelterId !== shelterId) return { ok: false, error: 'other-shelter' };
    return { ok: true, value: address };
  } catch {
    return { ok: false, error: 'unreachable' };
  }
}
