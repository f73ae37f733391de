// The tablet's reading of what staff type and of enrolment links, and its strings, in plain Node.
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { parseWholeNumber } from '../../web/lib/forms';
import { checkToken } from '../../web/lib/enrolment';
import { common as jaCommon } from '../../web/i18n/ja/common';
import { common as enCommon } from '../../web/i18n/en/common';
import { shelter as jaShelter } from '../../web/i18n/ja/shelter';
import { shelter as enShelter } from '../../web/i18n/en/shelter';
import {
  AGE_GROUPS, LEDGER_REASONS, NEEDS, REQUEST_STATUSES, SEXES, SHELTER_STATUSES, STAY_TYPES,
} from '../../domain/schema';
import { DEFAULT_ITEMS } from '../../domain/stock';

const secret = new TextEncoder().encode('test secret, not the server one');
async function token(claims: Record<string, unknown>, expInSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: 'j1', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now)
    .setExpirationTime(now + expInSeconds)
    .sign(secret);
}

describe('a quantity typed on a tablet', () => {
  it('accepts whole numbers typed with the IME in full width, with a sign or thousands commas', () => {
    expect(parseWholeNumber('24')).toEqual({ ok: true, value: 24 });
    expect(parseWholeNumber('２４')).toEqual({ ok: true, value: 24 });
    expect(parseWholeNumber(' 1,200 ')).toEqual({ ok: true, value: 1200 });
    expect(parseWholeNumber('-5')).toEqual({ ok: true, value: -5 });
    expect(parseWholeNumber('－５')).toEqual({ ok: true, value: -5 });
    expect(parseWholeNumber('+5')).toEqual({ ok: true, value: 5 });
  });

  it('refuses what is not a whole number instead of reading it as 0', () => {
    expect(parseWholeNumber('')).toEqual({ ok: false, error: 'required' });
    expect(parseWholeNumber('十本')).toEqual({ ok: false, error: 'not-a-number' });
    expect(parseWholeNumber('abc')).toEqual({ ok: false, error: 'not-a-number' });
    expect(parseWholeNumber('1e3')).toEqual({ ok: false, error: 'not-a-number' });
    expect(parseWholeNumber('2.5')).toEqual({ ok: false, error: 'not-an-integer' });
    expect(parseWholeNumber('99999999999999999999')).toEqual({ ok: false, error: 'not-an-integer' });
  });
});

describe('an enrolment token', () => {
  it('opens the tablet only for a staff token naming a shelter', async () => {
    const staff = await token({ role: 'staff', shelter: 's1' }, 3600);
    const result = checkToken('shelter', staff);
    expect(result.ok && result.value.claims.shelter).toBe('s1');
    expect(checkToken('shelter', await token({ role: 'hq' }, 3600))).toEqual({ ok: false, error: { reason: 'wrong-role' } });
    expect(checkToken('hq', staff)).toEqual({ ok: false, error: { reason: 'wrong-role' } });
    expect(checkToken('shelter', await token({ role: 'staff' }, 3600))).toEqual({ ok: false, error: { reason: 'malformed' } });
    expect(checkToken('shelter', 'not.a.token')).toEqual({ ok: false, error: { reason: 'malformed' } });
    expect(checkToken('shelter', null)).toEqual({ ok: false, error: { reason: 'missing' } });
  });

  it('refuses a new link that has expired but keeps a stored token usable for local data', async () => {
    const expired = await token({ role: 'staff', shelter: 's1' }, -60);
    expect(checkToken('shelter', expired)).toEqual({ ok: false, error: { reason: 'expired' } });
    expect(checkToken('shelter', expired, { allowExpired: true }).ok).toBe(true);
  });
});

describe('the tablet strings', () => {
  const langs = { ja: { common: jaCommon, shelter: jaShelter }, en: { common: enCommon, shelter: enShelter } };

  function keys(o: unknown, prefix = ''): string[] {
    if (typeof o !== 'object' || o === null) return [prefix];
    return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
  }

  it('English has every key Japanese has, and no other', () => {
    expect(keys(enShelter).sort()).toEqual(keys(jaShelter).sort());
    const vocab = ['items', 'units'];
    const strip = (ks: string[]) => ks.filter((k) => !vocab.some((v) => k.startsWith(`${v}.`)) && !vocab.includes(k));
    expect(strip(keys(enCommon)).sort()).toEqual(strip(keys(jaCommon)).sort());
  });

  it('names every vocabulary value and every error code the domain returns, in both languages', () => {
    const errorCodes = [
      'required', 'kana-script', 'invalid-choice', 'too-long', // people
      'not-a-number', 'not-an-integer', // typed quantities
      'unknown-item', 'zero', 'must-be-negative', 'must-be-positive', 'too-large', // ledger
      'not-a-positive-integer', // requests
    ];
    for (const { common, shelter } of Object.values(langs)) {
      for (const n of NEEDS) expect(common.needs[n], n).toBeTruthy();
      for (const a of AGE_GROUPS) expect(common.ageGroups[a], a).toBeTruthy();
      for (const s of SEXES) expect(common.sexes[s], s).toBeTruthy();
      for (const s of STAY_TYPES) expect(common.stays[s], s).toBeTruthy();
      for (const s of SHELTER_STATUSES) expect(common.shelterStatuses[s], s).toBeTruthy();
      for (const s of REQUEST_STATUSES) expect(common.requestStatuses[s], s).toBeTruthy();
      for (const r of LEDGER_REASONS) expect(common.ledgerReasons[r], r).toBeTruthy();
      for (const code of errorCodes) expect(shelter.errors[code], code).toBeTruthy();
    }
    for (const item of DEFAULT_ITEMS) expect(enCommon.items[item.id], item.id).toBeTruthy();
  });
});
