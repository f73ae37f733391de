// The tablet's optional PIN lock (a shift hand-over habit): after N idle minutes the screen is
// covered until a staff PIN is typed. The PIN is kept only as a PBKDF2-SHA-256 hash with its own
// salt; sync and saving go on underneath, so nothing typed before the lock is held back.
//
// Not an encryption of the local store: the tablet keeps syncing while locked, so the document
// must stay readable in memory and writable to IndexedDB without the PIN, and a key kept in memory
// for that protects nothing against whoever holds the tablet. Data at rest relies on the device's
// own encryption and on HQ's revocation, which wipes the store at the next contact.
import { type Result, err, ok } from '../../domain/result';

const SETTINGS_KEY = 'hinanjo:pin-lock';
const LOCKED_KEY = 'hinanjo:locked';
const ITERATIONS = 200_000;
export const IDLE_CHOICES_MIN = [5, 10, 15, 30] as const;
/** After this many wrong PINs in a row, the next try waits. */
export const MAX_TRIES = 5;
export const WAIT_AFTER_TRIES_MS = 30_000;

export interface PinSettings {
  salt: string;
  hash: string;
  idleMinutes: number;
}

export type PinError = 'format' | 'mismatch';

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function derive(pin: string, salt: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations: ITERATIONS }, key, 256);
  return b64(new Uint8Array(bits));
}

export function isValidPin(pin: string): boolean {
  return /^\d{4,8}$/.test(pin);
}

export function pinSettings(): PinSettings | null {
  try {
    const s = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? 'null') as PinSettings | null;
    return s && typeof s.hash === 'string' && typeof s.salt === 'string' && Number.isFinite(s.idleMinutes) ? s : null;
  } catch {
    return null;
  }
}

export async function setPin(pin: string, repeat: string, idleMinutes: number): Promise<Result<PinSettings, PinError>> {
  if (!isValidPin(pin)) return err('format');
  if (pin !== repeat) return err('mismatch');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const settings: PinSettings = { salt: b64(salt), hash: await derive(pin, salt), idleMinutes };
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  return ok(settings);
}

export function setIdleMinutes(idleMinutes: number): void {
  const s = pinSettings();
  if (s) localStorage.setItem(SETTINGS_KEY, JSON.stringify({ ...s, idleMinutes }));
}

export async function checkPin(pin: string): Promise<boolean> {
  const s = pinSettings();
  if (!s) return true;
  return (await derive(pin, unb64(s.salt))) === s.hash;
}

/** Removes the lock; only with the current PIN. */
export async function removePin(pin: string): Promise<boolean> {
  if (!(await checkPin(pin))) return false;
  localStorage.removeItem(SETTINGS_KEY);
  localStorage.removeItem(LOCKED_KEY);
  return true;
}

/** Locked survives a reload: reloading is not a way past the lock. */
export function isLocked(): boolean {
  return pinSettings() !== null && localStorage.getItem(LOCKED_KEY) === '1';
}

export function setLocked(locked: boolean): void {
  if (locked) localStorage.setItem(LOCKED_KEY, '1');
  else localStorage.removeItem(LOCKED_KEY);
}

const FAILURES_KEY = 'hinanjo:pin-failures';

/** Wrong PINs in a row and when the next try is allowed; kept across reloads (no reset by F5). */
export function pinFailures(): { count: number; waitUntil: number } {
  try {
    const f = JSON.parse(localStorage.getItem(FAILURES_KEY) ?? 'null') as { count: number; waitUntil: number } | null;
    return f && Number.isFinite(f.count) && Number.isFinite(f.waitUntil) ? f : { count: 0, waitUntil: 0 };
  } catch {
    return { count: 0, waitUntil: 0 };
  }
}

/** Counts a wrong PIN; the MAX_TRIES-th starts a wait of WAIT_AFTER_TRIES_MS. */
export function recordWrongPin(now = Date.now()): { count: number; waitUntil: number } {
  const f = pinFailures();
  const count = f.count + 1;
  const next = count >= MAX_TRIES ? { count: 0, waitUntil: now + WAIT_AFTER_TRIES_MS } : { count, waitUntil: f.waitUntil };
  localStorage.setItem(FAILURES_KEY, JSON.stringify(next));
  return next;
}

export function clearWrongPins(): void {
  localStorage.removeItem(FAILURES_KEY);
}
