// A resident's request for help (SOS): what it holds and what a valid one looks like. Shared by
// the resident page (which checks before queueing it) and the server (which checks again).
import { type Result, err, ok } from './result';

export const SOS_REASONS = ['wheelchair', 'bedridden', 'infant', 'isolated', 'flooding', 'other'] as const;
export type SosReason = (typeof SOS_REASONS)[number];
/** In the order HQ works through them: new first, resolved last. */
export const SOS_STATES = ['received', 'in-progress', 'rescued', 'cancelled'] as const;
export type SosState = (typeof SOS_STATES)[number];

export const SOS_LIMITS = { people: 50, phone: 20, name: 60, note: 500 } as const;

export interface SosRequest {
  people: number;
  reasons: SosReason[];
  lat: number;
  lon: number;
  phone: string | null;
  name: string | null;
  note: string | null;
}

export interface SosRecord extends SosRequest {
  id: string;
  state: SosState;
  createdAt: string;
  updatedAt: string;
  history: { state: SosState; at: string; by: string | null; note: string | null }[];
}

export type SosProblem = 'consent' | 'people' | 'reasons' | 'location' | 'phone' | 'name' | 'note';

const optionalText = (v: unknown, max: number): string | null | false => {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') return false;
  const t = v.trim();
  return t.length > max ? false : t || null;
};

export function parseSosRequest(body: unknown): Result<SosRequest, SosProblem> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (!Number.isInteger(b.people) || (b.people as number) < 1 || (b.people as number) > SOS_LIMITS.people) return err('people');
  if (!Array.isArray(b.reasons) || b.reasons.length === 0 || !b.reasons.every((r) => (SOS_REASONS as readonly unknown[]).includes(r))) return err('reasons');
  const lat = b.lat;
  const lon = b.lon;
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return err('location');
  const phone = optionalText(b.phone, SOS_LIMITS.phone);
  if (phone === false || (phone !== null && !/^[0-9+\-() ]+$/.test(phone.normalize('NFKC')))) return err('phone');
  const name = optionalText(b.name, SOS_LIMITS.name);
  if (name === false) return err('name');
  const note = optionalText(b.note, SOS_LIMITS.note);
  if (note === false) return err('note');
  // The home point leaves the phone only with the resident's explicit consent on screen.
  if (b.consent !== true) return err('consent');
  return ok({
    people: b.people as number,
    reasons: [...new Set(b.reasons as SosReason[])],
    lat: Math.round(lat * 1e6) / 1e6,
    lon: Math.round(lon * 1e6) / 1e6,
    phone: phone === null ? null : phone.normalize('NFKC'),
    name,
    note,
  });
}
