import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildPublicStatus, clampLevel } from '../../domain/status';
import { summarizeShelter, type ShelterSummary } from '../../domain/overview';
import { shelterMeta } from '../../domain/schema';
import { makeHq, putPerson } from './fixtures/docs';

const NOW = new Date('2026-07-04T03:00:00.000Z');

function summary(shelterId: string, present: { shelter: number; car: number; home: number }, extra: Partial<ShelterSummary> = {}): ShelterSummary {
  return {
    shelterId, status: 'open', present, needs: {}, ageGroups: { infant: 0, child: 0, adult: 0, elderly: 0 },
    arrivalsToday: 0, departuresToday: 0, openRequests: [], lowStock: [], lastUpdateAt: null, ...extra,
  };
}

describe('buildPublicStatus', () => {
  const hq = makeHq({
    region: '八代市 (デモ)',
    districts: [
      { id: 'd2', name: '鏡', level: 4, issuedAt: '2026-07-04T02:00:00.000Z' },
      { id: 'd1', name: '八代', level: 3 },
    ],
    shelters: [
      { id: 's-b', name: '第二小学校', capacity: 100, districtId: 'd2', hazards: ['flood', 'nonsense'] },
      { id: 's-a', name: '市民体育館', capacity: 200, districtId: 'd1' },
      { id: 's-c', name: '公民館', capacity: 50 },
    ],
  });

  it('lists the region, every district and every shelter of the registry, sorted by id', () => {
    const st = buildPublicStatus(hq, new Map(), NOW);
    expect(st.generatedAt).toBe(NOW.toISOString());
    expect(st.region).toBe('八代市 (デモ)');
    expect(st.districts).toEqual([
      { id: 'd1', name: '八代', level: 3, issuedAt: null },
      { id: 'd2', name: '鏡', level: 4, issuedAt: '2026-07-04T02:00:00.000Z' },
    ]);
    expect(st.shelters.map((s) => s.id)).toEqual(['s-a', 's-b', 's-c']);
    expect(st.shelters[1].hazards).toEqual(['flood']);
  });

  it('shows a shelter whose staff never opened it (no document yet) as closed, never as available', () => {
    const st = buildPublicStatus(hq, new Map(), NOW);
    expect(st.shelters[0]).toMatchObject({
      id: 's-a', name: '市民体育館', capacity: 200, headcount: 0, stay: { shelter: 0, car: 0, home: 0 },
      status: 'closed', crowding: 'closed', updatedAt: null, lat: 32.5, lon: 130.6, districtId: 'd1',
    });
  });

  it('counts only people staying in the shelter as its headcount and bands crowding from it', () => {
    const summaries = new Map([
      ['s-a', summary('s-a', { shelter: 100, car: 300, home: 50 }, { lastUpdateAt: '2026-07-04T02:59:00.000Z' })],
      ['s-b', summary('s-b', { shelter: 80, car: 0, home: 0 })],
      ['s-c', summary('s-c', { shelter: 1, car: 0, home: 0 }, { status: 'closed' })],
    ]);
    const st = buildPublicStatus(hq, summaries, NOW);
    const [a, b, c] = st.shelters;
    expect(a).toMatchObject({ headcount: 100, stay: { shelter: 100, car: 300, home: 50 }, crowding: 'somewhat-crowded', updatedAt: '2026-07-04T02:59:00.000Z' });
    expect(b).toMatchObject({ headcount: 80, crowding: 'full' });
    expect(c).toMatchObject({ headcount: 1, status: 'closed', crowding: 'closed' });
  });

  it('clamps district levels to 0–5', () => {
    expect([clampLevel(-1), clampLevel(7), clampLevel(2.6), clampLevel('4'), clampLevel(Number.NaN)]).toEqual([0, 5, 3, 0, 0]);
    const odd = makeHq({ districts: [{ id: 'x', name: 'X', level: 9 }, { id: 'y', name: 'Y', level: -3 }] });
    expect(buildPublicStatus(odd, new Map(), NOW).districts.map((d) => d.level)).toEqual([5, 0]);
  });

  it('never carries a name, household, note or per-person need of anyone checked in', () => {
    const shelterDoc = new Y.Doc();
    shelterMeta(shelterDoc).set('status', 'open');
    const secrets = ['山田太郎', 'ヤマダタロウ', 'household-secret-42', '夫から避難中', 'Maria Santos'];
    putPerson(shelterDoc, { id: 'p1', name: '山田太郎', kana: 'ヤマダタロウ', householdId: 'household-secret-42', note: '夫から避難中', needs: ['dialysis'] });
    putPerson(shelterDoc, { id: 'p2', name: 'Maria Santos', kana: 'まりあ', householdId: 'household-secret-42', stay: 'car', language: 'es' });
    const summaries = new Map([['s-a', summarizeShelter(shelterDoc, 's-a', NOW, NOW.toISOString())]]);
    const json = JSON.stringify(buildPublicStatus(hq, summaries, NOW));
    for (const secret of secrets) expect(json).not.toContain(secret);
    expect(json).not.toContain('dialysis');
    expect(json).not.toContain('p1');
    expect(JSON.parse(json).shelters[0].stay).toEqual({ shelter: 1, car: 1, home: 0 });
  });
});

describe('occupancy shown as a percent', () => {
  it('never rounds into another band: 79 of 266 is 29 %, in the colour of "available"', async () => {
    const { crowdingBand, occupancyPercent } = await import('../../domain/public-status');
    expect(occupancyPercent(79 / 266)).toBe(29);
    expect(crowdingBand(79, 266, 'open')).toBe('available');
    for (const capacity of [7, 50, 99, 266, 1000]) {
      for (let headcount = 0; headcount <= capacity; headcount++) {
        const shown = occupancyPercent(headcount / capacity);
        const bandOfShown = shown < 30 ? 'available' : shown < 60 ? 'somewhat-crowded' : shown < 80 ? 'crowded' : 'full';
        expect(bandOfShown, `${headcount}/${capacity} shown as ${shown}%`).toBe(crowdingBand(headcount, capacity, 'open'));
      }
    }
  });
});

describe('a shelter whose capacity is not on record', () => {
  it('reads as unknown, never as available (空いています) nor full; a capacity its staff reported is used where the registry has none', async () => {
    const { crowdingBand } = await import('../../domain/public-status');
    expect(crowdingBand(0, 0, 'open')).toBe('unknown');
    expect(crowdingBand(40, 0, 'open')).toBe('unknown');
    expect(crowdingBand(40, 0, 'full')).toBe('full'); // declared by staff
    expect(crowdingBand(0, 0, 'closed')).toBe('closed');
    const { effectiveCapacity, setReportedCapacity, reportedCapacity } = await import('../../domain/capacity');
    const Y = await import('yjs');
    const doc = new Y.Doc();
    expect(setReportedCapacity(doc, 0, new Date()).ok).toBe(false);
    expect(setReportedCapacity(doc, 1.5, new Date()).ok).toBe(false);
    expect(setReportedCapacity(doc, 120, new Date()).ok).toBe(true);
    expect(reportedCapacity(doc)).toBe(120);
    expect(effectiveCapacity(0, 120)).toBe(120);
    expect(effectiveCapacity(300, 120)).toBe(300);
    expect(effectiveCapacity(0, null)).toBe(0);
  });
});
