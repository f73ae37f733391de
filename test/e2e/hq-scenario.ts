// A small city for the HQ browser tests and screenshots: four districts, twelve shelters around
// Yatsushiro with people, special needs and open requests, written through real WebSocket
// clients (test/helpers/seed.ts). Not a test file itself.
import { v7 } from 'uuid';
import { seedHq, writeDoc, type SeedShelter } from '../helpers/seed';
import { SCHEMA_VERSION, shelterDocName, shelterMeta, type Need, type StayType } from '../../domain/schema';
import { checkInHousehold, emptyPersonInput } from '../../domain/people';
import { seedDefaultItems } from '../../domain/stock';
import { createRequest } from '../../domain/requests';

type Target = Parameters<typeof seedHq>[0];

export const DISTRICTS = [
  { id: 'honmachi', name: '本町地区' },
  { id: 'kagami', name: '鏡地区' },
  { id: 'hinagu', name: '日奈久地区' },
  { id: 'sakamoto', name: '坂本地区' },
];

export const SHELTERS: SeedShelter[] = [
  { id: 'dai1-sho', name: '八代第一小学校', lat: 32.5072, lon: 130.6015, capacity: 300, districtId: 'honmachi', hazards: ['flood', 'earthquake'] },
  { id: 'chuo-kominkan', name: '八代中央公民館', lat: 32.5101, lon: 130.6052, capacity: 120, districtId: 'honmachi' },
  { id: 'kita-chu', name: '八代北中学校', lat: 32.521, lon: 130.6088, capacity: 420, districtId: 'honmachi' },
  { id: 'fukushi', name: '八代福祉センター', lat: 32.4987, lon: 130.6121, capacity: 60, districtId: 'honmachi' },
  { id: 'kagami-sho', name: '鏡小学校', lat: 32.565, lon: 130.664, capacity: 250, districtId: 'kagami' },
  { id: 'kagami-kominkan', name: '鏡公民館', lat: 32.5588, lon: 130.6555, capacity: 80, districtId: 'kagami' },
  { id: 'kagami-taiikukan', name: '鏡総合体育館', lat: 32.5702, lon: 130.6702, capacity: 500, districtId: 'kagami' },
  { id: 'hinagu-center', name: '日奈久地区センター', lat: 32.4401, lon: 130.5702, capacity: 90, districtId: 'hinagu' },
  { id: 'hinagu-sho', name: '日奈久小学校', lat: 32.4455, lon: 130.5761, capacity: 200, districtId: 'hinagu' },
  { id: 'sakamoto-center', name: '坂本地域センター', lat: 32.4702, lon: 130.6604, capacity: 70, districtId: 'sakamoto' },
  { id: 'sakamoto-chu', name: '坂本中学校', lat: 32.4755, lon: 130.6698, capacity: 150, districtId: 'sakamoto' },
  { id: 'minami-ground', name: '八代南グラウンド体育館', lat: 32.4902, lon: 130.6201, capacity: 350, districtId: 'honmachi' },
];

interface Occupancy {
  shelter: number;
  car?: number;
  home?: number;
  needs?: Need[][];
  requests?: { item: string; quantity: number; note?: string }[];
  status?: 'open' | 'closed' | 'full';
}

/** People per shelter: a spread of crowding bands, one shelter closed, some left unopened. */
export const OCCUPANCY: Record<string, Occupancy> = {
  'dai1-sho': { shelter: 62, car: 14, home: 5, needs: [['wheelchair'], ['medical', 'oxygen'], ['infant-care']], requests: [{ item: 'water', quantity: 200, note: '2L×100' }] },
  'chuo-kominkan': { shelter: 58, car: 3, needs: [['pet'], ['pet'], ['allergy']] },
  'kita-chu': { shelter: 310, car: 40, home: 12, needs: [['dialysis'], ['wheelchair'], ['wheelchair'], ['pregnant'], ['interpreter']], requests: [{ item: 'blanket', quantity: 150 }, { item: 'toilet-bag', quantity: 500 }] },
  fukushi: { shelter: 55, needs: [['wheelchair'], ['wheelchair'], ['dementia'], ['medical']], requests: [{ item: 'diaper', quantity: 80, note: '大人用' }] },
  'kagami-sho': { shelter: 40, car: 22 },
  'kagami-kominkan': { shelter: 0, status: 'closed' },
  'kagami-taiikukan': { shelter: 170, car: 35, home: 20, needs: [['halal'], ['interpreter']] },
  'hinagu-center': { shelter: 12, home: 4 },
  'sakamoto-center': { shelter: 70, status: 'full', needs: [['oxygen']], requests: [{ item: 'food', quantity: 210 }] },
};

/** Writes a shelter document: status, the default items, `count` people in households of up to 4. */
export async function seedShelterDoc(target: Target, shelterId: string, occ: Occupancy, now = new Date()): Promise<void> {
  await writeDoc(target, shelterDocName(shelterId), (doc) => {
    shelterMeta(doc).set('schema', SCHEMA_VERSION);
    shelterMeta(doc).set('status', occ.status ?? 'open');
    shelterMeta(doc).set('openedAt', new Date(now.getTime() - 6 * 3_600_000).toISOString());
    seedDefaultItems(doc);
    const needs = [...(occ.needs ?? [])];
    const stays: [StayType, number][] = [['shelter', occ.shelter], ['car', occ.car ?? 0], ['home', occ.home ?? 0]];
    let n = 0;
    for (const [stay, count] of stays) {
      for (let left = count; left > 0; ) {
        const size = Math.min(left, 1 + (n % 4));
        const members = Array.from({ length: size }, (_, i) => ({
          ...emptyPersonInput(),
          name: `避難者 ${shelterId} ${n}-${i}`,
          stay,
          needs: stay === 'shelter' && i === 0 ? (needs.shift() ?? []) : [],
        }));
        checkInHousehold(doc, members, { now: new Date(now.getTime() - (n % 300) * 60_000), newId: v7 });
        left -= size;
        n++;
      }
    }
    for (const r of occ.requests ?? []) createRequest(doc, r, { now, newId: v7 });
  });
}

export async function seedCity(target: Target): Promise<void> {
  await seedHq(target, { region: '八代市（デモ）', districts: DISTRICTS, shelters: SHELTERS });
  for (const [id, occ] of Object.entries(OCCUPANCY)) await seedShelterDoc(target, id, occ);
}
