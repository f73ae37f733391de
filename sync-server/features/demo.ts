// The demo region 「デモ地域（架空）」: a fictional region with made-up districts, shelters and
// people placed around Yatsushiro, Kumamoto, so a newcomer sees every surface working. It is
// written like a client writes (Yjs transactions on a document through the domain functions
// where they exist) and stored as ordinary updates, so nothing about it is special afterwards.
import * as Y from 'yjs';
import { v7 as uuidv7 } from 'uuid';
import {
  HQ_DOC,
  SCHEMA_VERSION,
  hqDistricts,
  hqMeta,
  hqRoadClosures,
  hqShelters,
  shelterDocName,
  shelterMeta,
  toYMap,
  type AgeGroup,
  type Hazard,
  type Level,
  type Sex,
  type StayType,
} from '../../domain/schema';
import { appendLedgerEntry, seedDefaultItems } from '../../domain/stock';
import { checkInHousehold, checkOutPerson, emptyPersonInput, type PersonInput } from '../../domain/people';
import { createRequest } from '../../domain/requests';
// The small deterministic PRNG (mulberry32) so the demo is the same on every machine.
import { prng as rng } from '../../domain/prng';
import type { DocStore } from '../store/types';

export const DEMO_REGION = 'デモ地域（架空）';

export const DISTRICTS: { id: string; name: string; lat: number; lon: number }[] = [
  { id: 'd-honmachi', name: '本町地区', lat: 32.507, lon: 130.603 },
  { id: 'd-minato', name: '港町地区', lat: 32.515, lon: 130.575 },
  { id: 'd-kawaguchi', name: '川口地区', lat: 32.487, lon: 130.585 },
  { id: 'd-matsubara', name: '松原地区', lat: 32.47, lon: 130.6 },
  { id: 'd-shinmachi', name: '新町地区', lat: 32.525, lon: 130.615 },
  { id: 'd-midorigaoka', name: '緑ヶ丘地区', lat: 32.5, lon: 130.64 },
  { id: 'd-sakuradai', name: '桜台地区', lat: 32.535, lon: 130.655 },
  { id: 'd-hinode', name: '日の出地区', lat: 32.48, lon: 130.63 },
  { id: 'd-yamanoue', name: '山ノ上地区', lat: 32.46, lon: 130.675 },
  { id: 'd-kitahara', name: '北原地区', lat: 32.545, lon: 130.685 },
];

const LEVELS: Level[] = [3, 4, 3, 2, 1, 3, 0, 2, 4, 1];

const FACILITIES = ['小学校', '中学校', '公民館', '体育館', 'コミュニティセンター', '高校'];
const FACILITY_CAPACITY = [320, 480, 80, 600, 120, 540];

const SURNAMES: [string, string][] = [
  ['山田', 'ヤマダ'], ['田中', 'タナカ'], ['中村', 'ナカムラ'], ['松本', 'マツモト'], ['坂本', 'サカモト'],
  ['井上', 'イノウエ'], ['村上', 'ムラカミ'], ['森', 'モリ'], ['宮崎', 'ミヤザキ'], ['藤本', 'フジモト'],
  ['緒方', 'オガタ'], ['本田', 'ホンダ'], ['西村', 'ニシムラ'], ['吉田', 'ヨシダ'], ['岩本', 'イワモト'],
];
const GIVEN: [string, string, AgeGroup][] = [
  ['太郎', 'タロウ', 'adult'], ['花子', 'ハナコ', 'adult'], ['健一', 'ケンイチ', 'adult'], ['美咲', 'ミサキ', 'adult'],
  ['翔太', 'ショウタ', 'child'], ['さくら', 'サクラ', 'child'], ['陽菜', 'ヒナ', 'infant'], ['蓮', 'レン', 'infant'],
  ['正男', 'マサオ', 'elderly'], ['ハル', 'ハル', 'elderly'], ['和子', 'カズコ', 'elderly'], ['大輔', 'ダイスケ', 'adult'],
];
const NEEDS_POOL = ['wheelchair', 'medical', 'allergy', 'infant-care', 'pet', 'dialysis', 'interpreter', 'pregnant'];

/** Collects every update a document emits, as a client's provider would send them. */
function recorder(doc: Y.Doc): Uint8Array[] {
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  return out;
}

export interface DemoDocs {
  /** docName → the updates that build it, in order. */
  docs: Map<string, Uint8Array[]>;
  shelterIds: string[];
}

export function buildDemo(now: Date, seed = 8_2026): DemoDocs {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
  const iso = (m: number) => minutesAgo(m).toISOString();
  const docs = new Map<string, Uint8Array[]>();

  const hq = new Y.Doc();
  docs.set(HQ_DOC, recorder(hq));
  hq.transact(() => {
    hqMeta(hq).set('schema', SCHEMA_VERSION);
    hqMeta(hq).set('region', DEMO_REGION);
    hqMeta(hq).set('demo', true);
  });
  hq.transact(() => {
    DISTRICTS.forEach((d, i) => {
      hqDistricts(hq).set(d.id, toYMap({ name: d.name, level: LEVELS[i], issuedAt: LEVELS[i] > 0 ? iso(30 + i * 17) : null }));
    });
  });

  const shelterIds: string[] = [];
  const shelterInfo: { id: string; district: (typeof DISTRICTS)[number]; capacity: number }[] = [];
  DISTRICTS.forEach((d, di) => {
    for (let k = 0; k < 3; k++) {
      const f = (di * 3 + k) % FACILITIES.length;
      const id = `demo-${String(di * 3 + k + 1).padStart(2, '0')}`;
      const capacity = Math.min(800, Math.max(50, Math.round(FACILITY_CAPACITY[f] * (0.7 + rand() * 0.6))));
      const hazards: Hazard[] = ['earthquake'];
      if (d.lon < 130.6) hazards.push('flood', 'storm-surge', 'tsunami');
      else if (d.lon > 130.66) hazards.push('landslide');
      else hazards.push('flood', 'inland-flood');
      hq.transact(() => {
        hqShelters(hq).set(
          id,
          toYMap({
            name: `${d.name.replace('地区', '')}${FACILITIES[f]}`,
            address: `デモ地域 ${d.name.replace('地区', '')} ${di + 1}-${k + 1}（架空）`,
            lat: round5(d.lat + (rand() - 0.5) * 0.014),
            lon: round5(d.lon + (rand() - 0.5) * 0.014),
            capacity,
            districtId: d.id,
            hazards,
          }),
        );
      });
      shelterIds.push(id);
      shelterInfo.push({ id, district: d, capacity });
    }
  });

  hq.transact(() => {
    const closures = [
      {
        geometry: { type: 'LineString', coordinates: [[130.583, 32.492], [130.589, 32.488], [130.596, 32.486]] },
        reason: '冠水（デモ）', since: iso(180), until: null, source: 'demo',
      },
      {
        geometry: { type: 'LineString', coordinates: [[130.668, 32.463], [130.674, 32.458], [130.681, 32.455]] },
        reason: '土砂崩れ（デモ）', since: iso(300), until: null, source: 'demo',
      },
      {
        geometry: {
          type: 'Polygon',
          coordinates: [[[130.57, 32.512], [130.578, 32.512], [130.578, 32.518], [130.57, 32.518], [130.57, 32.512]]],
        },
        reason: '高潮による浸水区域（デモ）', since: iso(120), until: new Date(now.getTime() + 24 * 3600_000).toISOString(), source: 'demo',
      },
      {
        geometry: { type: 'LineString', coordinates: [[130.62, 32.523], [130.626, 32.527]] },
        reason: '倒木（デモ）', since: iso(90), until: new Date(now.getTime() + 6 * 3600_000).toISOString(), source: 'demo',
      },
    ];
    closures.forEach((c, i) => hqRoadClosures(hq).set(`demo-closure-${i + 1}`, toYMap(c)));
  });

  shelterInfo.forEach((s, i) => {
    const doc = new Y.Doc();
    docs.set(shelterDocName(s.id), recorder(doc));
    const open = i % 10 !== 7; // a few shelters are not opened
    doc.transact(() => {
      shelterMeta(doc).set('schema', SCHEMA_VERSION);
      shelterMeta(doc).set('status', open ? (i === 4 ? 'full' : 'open') : 'closed');
      shelterMeta(doc).set('openedAt', open ? iso(600 + i * 7) : null);
    });
    seedDefaultItems(doc);
    if (!open) return;
    const ctx = { now, newId: uuidv7 };
    for (const item of ['water', 'food', 'blanket']) {
      appendLedgerEntry(doc, { item, delta: 100 + Math.floor(rand() * 400), reason: 'received', by: 'demo' }, ctx);
    }
    // Two shelters in three have people; fill to a plausible share of capacity.
    if (i % 3 === 2) return;
    const target = Math.round(s.capacity * (i === 4 ? 0.85 : 0.05 + rand() * 0.6));
    let count = 0;
    while (count < target) {
      const [surname, surnameKana] = pick(SURNAMES);
      const householdId = uuidv7();
      const size = 1 + Math.floor(rand() * 4);
      const stay: StayType = rand() < 0.8 ? 'shelter' : rand() < 0.6 ? 'car' : 'home';
      const arrived = Math.floor(rand() * 2 * 24 * 60);
      const members: PersonInput[] = [];
      const leaving: boolean[] = [];
      for (let m = 0; m < size; m++) {
        const [given, givenKana, ageGroup] = pick(GIVEN);
        members.push({
          ...emptyPersonInput(),
          name: `${surname} ${given}`,
          kana: `${surnameKana} ${givenKana}`,
          ageGroup,
          sex: pick<Sex>(['female', 'male', 'unanswered']),
          needs: rand() < 0.12 ? [pick(NEEDS_POOL)] : [],
          language: rand() < 0.05 ? 'en' : 'ja',
          districtId: s.district.id,
          stay,
          consent: rand() < 0.5 ? 'anyone' : rand() < 0.6 ? 'family' : 'none',
          protected: rand() < 0.01,
        });
        leaving.push(rand() < 0.06);
      }
      const checkedIn = checkInHousehold(doc, members, { now: minutesAgo(arrived), newId: uuidv7 });
      if (!checkedIn.ok) throw new Error(`demo check-in refused: ${JSON.stringify(checkedIn.error)}`);
      checkedIn.value.personIds.forEach((id, m) => {
        if (leaving[m]) checkOutPerson(doc, id, minutesAgo(Math.floor(arrived / 2)));
      });
      count += size;
    }
    appendLedgerEntry(doc, { item: 'water', delta: -Math.min(50, count), reason: 'distributed', by: 'demo' }, ctx);
    if (i % 4 === 0) createRequest(doc, { item: 'water', quantity: 200, note: 'デモの要請' }, ctx);
    if (i % 5 === 1) createRequest(doc, { item: 'blanket', quantity: 50, note: '' }, ctx);
  });

  return { docs, shelterIds };
}

/** Writes the demo into an empty store; returns how many documents it wrote. */
export async function seedDemo(store: DocStore, now: Date): Promise<number> {
  const { docs } = buildDemo(now);
  const entries = [...docs].flatMap(([docName, updates]) => updates.map((update) => ({ docName, update })));
  await store.append(entries, now);
  return docs.size;
}

function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
