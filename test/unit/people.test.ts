import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  checkInHousehold, checkOutHousehold, checkOutPerson, editPerson, emptyPersonInput, householdMembers,
  hasLegacyConsent, migrateConsent, readPeople, readPerson, toPersonInput, undoCheckOut, validatePersonInput, visibleName,
  type PersonInput,
} from '../../domain/people';
import { shelterPeople } from '../../domain/schema';
import { summarizeShelter } from '../../domain/overview';
import { buildSearchIndex, searchPeople } from '../../domain/search';
import { rosterCsv } from '../../domain/roster-csv';
import { answersFor } from '../../domain/safety-answers';
import { pfifXml } from '../../domain/pfif';
import { idSequence, syncBoth } from './fixtures/docs';
import { pick, prng } from '../../domain/prng';

/** The year the validators compare birth years against (domain/ reads no clock). */
const YEAR = 2026;

const NOW = new Date('2026-07-04T03:00:00.000Z');
const LATER = new Date('2026-07-04T05:00:00.000Z');

const person = (over: Partial<PersonInput> = {}): PersonInput => ({ ...emptyPersonInput(), name: '山田 太郎', kana: 'やまだ たろう', ...over });

describe('validatePersonInput', () => {
  it('accepts a complete person', () => {
    expect(validatePersonInput(person({ needs: ['wheelchair', 'halal'], language: 'pt-BR', note: '薬あり' }), YEAR)).toEqual({});
  });

  it('requires a name that is not only spaces', () => {
    expect(validatePersonInput(person({ name: '' }), YEAR)).toEqual({ name: 'required' });
    expect(validatePersonInput(person({ name: ' 　' }), YEAR)).toEqual({ name: 'required' });
  });

  it('allows empty kana but refuses kana with kanji or latin letters', () => {
    expect(validatePersonInput(person({ kana: '' }), YEAR)).toEqual({});
    expect(validatePersonInput(person({ kana: 'ﾔﾏﾀﾞ ﾀﾛｳ' }), YEAR)).toEqual({});
    expect(validatePersonInput(person({ kana: '山田' }), YEAR)).toEqual({ kana: 'kana-script' });
    expect(validatePersonInput(person({ kana: 'yamada' }), YEAR)).toEqual({ kana: 'kana-script' });
  });

  it('refuses values outside the vocabularies', () => {
    const bad = { ...person(), ageGroup: 'teen', sex: 'x', stay: 'tent', consent: 'yes', needs: [''], language: 'japanese!' } as unknown as PersonInput;
    expect(validatePersonInput(bad, YEAR)).toEqual({
      ageGroup: 'invalid-choice', sex: 'invalid-choice', stay: 'invalid-choice', consent: 'invalid-choice',
      needs: 'invalid-choice', language: 'invalid-choice',
    });
  });

  it('refuses text that is too long', () => {
    expect(validatePersonInput(person({ name: 'あ'.repeat(101), note: 'x'.repeat(1001) }), YEAR)).toEqual({ name: 'too-long', note: 'too-long' });
  });

  it('reports every field at once', () => {
    expect(Object.keys(validatePersonInput(person({ name: '', kana: 'abc', stay: 'x' as never }), YEAR)).sort()).toEqual(['kana', 'name', 'stay']);
  });
});

describe('checkInHousehold', () => {
  it('checks in every member of a household in one transaction with one household id', () => {
    const doc = new Y.Doc();
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    const r = checkInHousehold(doc, [person(), person({ name: '山田 花子', kana: 'やまだ はなこ', ageGroup: 'elderly', needs: ['wheelchair'] })], { now: NOW, newId: idSequence('id') });
    expect(r).toEqual({ ok: true, value: { householdId: 'id-1', personIds: ['id-2', 'id-3'] } });
    expect(transactions).toBe(1);
    const people = readPeople(doc);
    expect(people).toHaveLength(2);
    expect(people[0]).toEqual({
      id: 'id-2', householdId: 'id-1', name: '山田 太郎', kana: 'ヤマダ タロウ', ageGroup: 'adult', sex: 'unanswered',
      needs: [], language: 'ja', districtId: '', stay: 'shelter', checkedInAt: NOW.toISOString(), checkedOutAt: null,
      note: '', consent: 'none', protected: false, birthYear: null,
    });
    expect(shelterPeople(doc).get('id-3')).toBeInstanceOf(Y.Map);
    expect(householdMembers(doc, 'id-1').map((p) => p.name)).toEqual(['山田 太郎', '山田 花子']);
  });

  it('saves nothing when any member is invalid and says which member and field', () => {
    const doc = new Y.Doc();
    const r = checkInHousehold(doc, [person(), person({ name: '' }), person({ kana: 'Hanako' })], { now: NOW, newId: idSequence('id') });
    expect(r).toEqual({ ok: false, error: [{ memberIndex: 1, errors: { name: 'required' } }, { memberIndex: 2, errors: { kana: 'kana-script' } }] });
    expect(shelterPeople(doc).size).toBe(0);
  });

  it('refuses an empty household', () => {
    const doc = new Y.Doc();
    expect(checkInHousehold(doc, [], { now: NOW, newId: idSequence('id') }).ok).toBe(false);
    expect(shelterPeople(doc).size).toBe(0);
  });

  it('trims text, widens half-width kana and drops repeated needs', () => {
    const doc = new Y.Doc();
    const r = checkInHousehold(doc, [person({ name: '  鈴木 一郎 ', kana: 'ｽｽﾞｷ ｲﾁﾛｳ', needs: ['pet', 'pet', 'allergy'] })], { now: NOW, newId: idSequence('id') });
    if (!r.ok) throw new Error('setup');
    expect(readPerson(doc, r.value.personIds[0])).toMatchObject({ name: '鈴木 一郎', kana: 'スズキ イチロウ', needs: ['pet', 'allergy'] });
  });

  it('adds people to an existing household when asked', () => {
    const doc = new Y.Doc();
    const first = checkInHousehold(doc, [person()], { now: NOW, newId: idSequence('a') });
    if (!first.ok) throw new Error('setup');
    const more = checkInHousehold(doc, [person({ name: '山田 次郎' })], { now: LATER, newId: idSequence('b'), householdId: first.value.householdId });
    expect(more.ok && more.value.householdId).toBe(first.value.householdId);
    expect(householdMembers(doc, first.value.householdId)).toHaveLength(2);
  });
});

describe('check-out', () => {
  function household(doc: Y.Doc) {
    const r = checkInHousehold(doc, [person(), person({ name: '山田 花子' }), person({ name: '山田 次郎' })], { now: NOW, newId: idSequence('id') });
    if (!r.ok) throw new Error('setup');
    return r.value;
  }

  it('checks out one person and writes only the check-out time', () => {
    const doc = new Y.Doc();
    const h = household(doc);
    const r = checkOutPerson(doc, h.personIds[0], LATER);
    expect(r.ok && r.value.checkedOutAt).toBe(LATER.toISOString());
    expect(checkOutPerson(doc, h.personIds[0], LATER)).toEqual({ ok: false, error: 'already-left' });
    expect(checkOutPerson(doc, 'nobody', LATER)).toEqual({ ok: false, error: 'not-found' });
    expect(summarizeShelter(doc, 's', LATER).present.shelter).toBe(2);
  });

  it('checks out the members of a household who are still present, in one step', () => {
    const doc = new Y.Doc();
    const h = household(doc);
    checkOutPerson(doc, h.personIds[1], NOW);
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    const r = checkOutHousehold(doc, h.householdId, LATER);
    expect(r).toEqual({ ok: true, value: [h.personIds[0], h.personIds[2]] });
    expect(transactions).toBe(1);
    expect(readPerson(doc, h.personIds[1])!.checkedOutAt).toBe(NOW.toISOString());
    expect(checkOutHousehold(doc, 'nope', LATER)).toEqual({ ok: false, error: 'not-found' });
  });

  it('undoes a check-out made by mistake', () => {
    const doc = new Y.Doc();
    const h = household(doc);
    checkOutPerson(doc, h.personIds[0], LATER);
    expect(undoCheckOut(doc, h.personIds[0]).ok).toBe(true);
    expect(readPerson(doc, h.personIds[0])!.checkedOutAt).toBeNull();
    expect(undoCheckOut(doc, h.personIds[0])).toEqual({ ok: false, error: 'not-checked-out' });
  });
});

describe('editPerson', () => {
  it('changes the given fields and keeps the others', () => {
    const doc = new Y.Doc();
    const r = checkInHousehold(doc, [person({ note: '持病あり' })], { now: NOW, newId: idSequence('id') });
    if (!r.ok) throw new Error('setup');
    const id = r.value.personIds[0];
    const e = editPerson(doc, id, { stay: 'car', needs: ['medical'] }, YEAR);
    expect(e.ok).toBe(true);
    expect(readPerson(doc, id)).toMatchObject({ stay: 'car', needs: ['medical'], note: '持病あり', name: '山田 太郎' });
  });

  it('refuses an invalid patch and changes nothing', () => {
    const doc = new Y.Doc();
    const r = checkInHousehold(doc, [person()], { now: NOW, newId: idSequence('id') });
    if (!r.ok) throw new Error('setup');
    const id = r.value.personIds[0];
    expect(editPerson(doc, id, { name: ' ', stay: 'car' }, YEAR)).toEqual({ ok: false, error: { code: 'invalid', errors: { name: 'required' } } });
    expect(readPerson(doc, id)).toMatchObject({ name: '山田 太郎', stay: 'shelter' });
    expect(editPerson(doc, 'nobody', { stay: 'car' }, YEAR)).toEqual({ ok: false, error: { code: 'not-found' } });
  });

  it('writes nothing when nothing changes', () => {
    const doc = new Y.Doc();
    const r = checkInHousehold(doc, [person()], { now: NOW, newId: idSequence('id') });
    if (!r.ok) throw new Error('setup');
    const before = Y.encodeStateVector(doc);
    editPerson(doc, r.value.personIds[0], toPersonInput(readPerson(doc, r.value.personIds[0])!), YEAR);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });
});

describe('two tablets merged', () => {
  it('keeps check-ins made on both sides', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    checkInHousehold(a, [person(), person({ name: '山田 花子' })], { now: NOW, newId: idSequence('a') });
    checkInHousehold(b, [person({ name: '佐藤 一' })], { now: NOW, newId: idSequence('b') });
    syncBoth(a, b);
    for (const d of [a, b]) expect(readPeople(d).map((p) => p.name).sort()).toEqual(['佐藤 一', '山田 太郎', '山田 花子']);
  });

  it('a check-out on one tablet and an edit on another both survive', () => {
    const a = new Y.Doc();
    const r = checkInHousehold(a, [person()], { now: NOW, newId: idSequence('id') });
    if (!r.ok) throw new Error('setup');
    const id = r.value.personIds[0];
    const b = new Y.Doc();
    syncBoth(a, b);
    checkOutPerson(a, id, LATER);
    editPerson(b, id, { note: 'アレルギー: 卵', needs: ['allergy'] }, YEAR);
    syncBoth(a, b);
    for (const d of [a, b]) {
      expect(readPerson(d, id)).toMatchObject({ checkedOutAt: LATER.toISOString(), note: 'アレルギー: 卵', needs: ['allergy'] });
    }
    expect(Y.encodeStateAsUpdate(a)).toEqual(Y.encodeStateAsUpdate(b));
  });

  it('edits of different fields of one person on two tablets both survive', () => {
    const a = new Y.Doc();
    const r = checkInHousehold(a, [person()], { now: NOW, newId: idSequence('id') });
    if (!r.ok) throw new Error('setup');
    const id = r.value.personIds[0];
    const b = new Y.Doc();
    syncBoth(a, b);
    editPerson(a, id, { stay: 'car' }, YEAR);
    editPerson(b, id, { kana: 'ヤマダ タロウ' }, YEAR);
    syncBoth(a, b);
    for (const d of [a, b]) expect(readPerson(d, id)).toMatchObject({ stay: 'car', kana: 'ヤマダ タロウ' });
  });
});

describe('property: three tablets, random work, random partial syncs', () => {
  // Each tablet owns one kind of change (A edits notes, B moves people between stay types,
  // C checks people out and undoes check-outs) and all of them check households in. Whatever
  // order the tablets meet in, the end state must hold every check-in and, for every person,
  // the last value each tablet wrote to its own field.
  it('keeps every check-in and every tablet’s last change to its own field', () => {
    for (let seed = 1; seed <= 15; seed++) {
      const rand = prng(seed);
      const tablets = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
      const ids = tablets.map((_, t) => idSequence(`s${seed}t${t}`));
      const checkedIn = new Set<string>();
      const lastNote = new Map<string, string>();
      const lastStay = new Map<string, string>();
      const lastOut = new Map<string, string | null>();
      for (let step = 0; step < 60; step++) {
        const t = Math.floor(rand() * 3);
        const doc = tablets[t];
        const known = readPeople(doc).map((p) => p.id);
        const at = new Date(NOW.getTime() + step * 60_000);
        const action = rand();
        if (action < 0.25 || known.length === 0) {
          const size = 1 + Math.floor(rand() * 3);
          const r = checkInHousehold(doc, Array.from({ length: size }, (_, i) => person({ name: `住民 ${seed}-${step}-${i}` })), { now: at, newId: ids[t] });
          if (!r.ok) throw new Error('setup');
          for (const id of r.value.personIds) checkedIn.add(id);
        } else if (action < 0.75) {
          const id = pick(rand, known);
          if (t === 0) {
            const note = `メモ ${step}`;
            expect(editPerson(doc, id, { note }, YEAR).ok).toBe(true);
            lastNote.set(id, note);
          } else if (t === 1) {
            const stay = pick(rand, ['shelter', 'car', 'home'] as const);
            expect(editPerson(doc, id, { stay }, YEAR).ok).toBe(true);
            lastStay.set(id, stay);
          } else {
            const p = readPerson(doc, id)!;
            if (p.checkedOutAt === null) {
              checkOutPerson(doc, id, at);
              lastOut.set(id, at.toISOString());
            } else {
              undoCheckOut(doc, id);
              lastOut.set(id, null);
            }
          }
        } else {
          const other = (t + 1 + Math.floor(rand() * 2)) % 3;
          if (rand() < 0.5) syncBoth(doc, tablets[other]);
          else Y.applyUpdate(tablets[other], Y.encodeStateAsUpdate(doc, Y.encodeStateVector(tablets[other])));
        }
      }
      syncBoth(tablets[0], tablets[1]);
      syncBoth(tablets[1], tablets[2]);
      syncBoth(tablets[0], tablets[1]);
      const final = readPeople(tablets[0]);
      expect(readPeople(tablets[1]), `seed ${seed}`).toEqual(final);
      expect(readPeople(tablets[2]), `seed ${seed}`).toEqual(final);
      expect(new Set(final.map((p) => p.id)), `seed ${seed}`).toEqual(checkedIn);
      for (const p of final) {
        expect(p.note, `seed ${seed} ${p.id}`).toBe(lastNote.get(p.id) ?? '');
        expect(p.stay, `seed ${seed} ${p.id}`).toBe(lastStay.get(p.id) ?? 'shelter');
        expect(p.checkedOutAt, `seed ${seed} ${p.id}`).toBe(lastOut.has(p.id) ? lastOut.get(p.id) : null);
      }
    }
  });
});

describe('consent tiers and protection', () => {
  it('reads records from before the tiers: consentSafetyInfo true is "anyone", false or odd is "none"', () => {
    const doc = new Y.Doc();
    const people = shelterPeople(doc);
    const legacy = (id: string, flag: unknown) => {
      const m = new Y.Map<unknown>();
      m.set('name', id);
      m.set('checkedInAt', NOW.toISOString());
      if (flag !== undefined) m.set('consentSafetyInfo', flag);
      people.set(id, m);
    };
    legacy('yes', true);
    legacy('no', false);
    legacy('odd', 'yes');
    legacy('never', undefined);
    expect(Object.fromEntries(readPeople(doc).map((p) => [p.name, p.consent]))).toEqual({ yes: 'anyone', no: 'none', odd: 'none', never: 'none' });
    // nothing to clean until a tier is written; an edit writes it, the clean-up drops the old key
    expect(hasLegacyConsent(doc)).toBe(false);
    expect(migrateConsent(doc)).toBe(0);
    editPerson(doc, 'yes', { consent: 'family' }, YEAR);
    editPerson(doc, 'no', { consent: 'none' }, YEAR); // the same tier as read: nothing is written
    expect(hasLegacyConsent(doc)).toBe(true);
    expect(migrateConsent(doc)).toBe(1);
    expect(people.get('yes')!.has('consentSafetyInfo')).toBe(false);
    expect(people.get('no')!.has('consentSafetyInfo')).toBe(true);
    editPerson(doc, 'yes', { consent: 'anyone' }, YEAR);
    expect(Object.fromEntries(readPeople(doc).map((p) => [p.name, p.consent]))).toEqual({ yes: 'anyone', no: 'none', odd: 'none', never: 'none' });
  });

  it('a tier set on one tablet and a clean-up on another converge to the tier that was set', () => {
    const a = new Y.Doc();
    const m = new Y.Map<unknown>();
    m.set('name', '古い 記録');
    m.set('consentSafetyInfo', true);
    shelterPeople(a).set('p1', m);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    editPerson(a, 'p1', { consent: 'family' }, YEAR);
    editPerson(b, 'p1', { note: '別の端末で' }, YEAR);
    migrateConsent(b);
    migrateConsent(a);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(readPerson(a, 'p1')!.consent).toBe('family');
    expect(readPerson(b, 'p1')!.consent).toBe('family');
  });

  it('any truthy protection mark protects, everywhere: on the form it is stored as true; from another client it is read as protected and hidden from search, the roster file, safety answers and PFIF', () => {
    const doc = new Y.Doc();
    const r = checkInHousehold(doc, [person({ name: '文字列 保護', protected: 'true' as unknown as boolean, consent: 'anyone' })], { now: NOW, newId: idSequence('s') });
    expect(r.ok).toBe(true);
    expect(shelterPeople(doc).get('s-1')?.get('protected') ?? [...shelterPeople(doc).values()][0].get('protected')).toBe(true);
    // another client wrote marks of other types
    for (const [id, mark] of [['x1', 'true'], ['x2', 1], ['x3', 'yes']] as const) {
      const m = new Y.Map<unknown>();
      shelterPeople(doc).set(id, m);
      for (const [k, v] of Object.entries({ householdId: id, name: `別形式 保護${id}`, kana: 'べつけいしき', consent: 'anyone', checkedInAt: NOW.toISOString(), checkedOutAt: null, protected: mark })) m.set(k, v);
    }
    const people = readPeople(doc);
    expect(people.every((p) => p.protected)).toBe(true);
    expect(searchPeople(buildSearchIndex(people), { query: '保護' })).toEqual([]);
    expect(rosterCsv(people, { presentOnly: false, labels: {} as never })).not.toContain('保護');
    expect(answersFor(people, { name: '別形式 保護x1', relation: 'acquaintance' } as never, { id: 's', name: 'S' })).toEqual([]);
    expect(pfifXml(people.map((p) => ({ person: p, shelterId: 's', shelterName: 'S', expiresAt: LATER.toISOString() })), { domain: 'x', sourceName: 'x', now: NOW }).records).toBe(0);
  });

  it('a protected person is saved as such and shown without a name where others may see', () => {
    const doc = new Y.Doc();
    const r = checkInHousehold(doc, [person({ name: '保護 花子', protected: true, consent: 'family' })], { now: NOW, newId: idSequence('id') });
    expect(r.ok).toBe(true);
    const p = readPeople(doc)[0];
    expect(p).toMatchObject({ protected: true, consent: 'family' });
    expect(visibleName(p, '(氏名非表示)')).toBe('(氏名非表示)');
    expect(visibleName({ ...p, protected: false }, '(氏名非表示)')).toBe('保護 花子');
  });
});
