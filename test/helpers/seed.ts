// Writes documents for tests the way a client does: through a real WebSocket with a real
// token, resolving only once the server's STORED message covers the change.
import type * as Y from 'yjs';
import {
  HQ_DOC,
  SCHEMA_VERSION,
  hqDistricts,
  hqMeta,
  hqShelters,
  toYMap,
  type Hazard,
  type Level,
} from '../../domain/schema';
import { YClient } from './yclient';

interface Target {
  wsUrl: string;
  token(req: { role: 'hq' | 'staff'; shelter?: string }): Promise<string>;
}

export interface SeedDistrict {
  id: string;
  name: string;
  level?: Level;
  issuedAt?: string | null;
}

export interface SeedShelter {
  id: string;
  name: string;
  address?: string;
  lat?: number;
  lon?: number;
  capacity?: number;
  districtId?: string;
  hazards?: Hazard[];
}

/** Connects as hq (or the given token), applies `edit`, waits until the server stored it, disconnects. */
export async function writeDoc(
  target: Target,
  docName: string,
  edit: (doc: Y.Doc) => void,
  token?: string,
): Promise<void> {
  const client = await YClient.connect({
    wsUrl: target.wsUrl,
    docName,
    token: token ?? (await target.token({ role: 'hq' })),
    name: `seed ${docName}`,
  });
  try {
    await client.whenSynced();
    client.doc.transact(() => edit(client.doc));
    await client.whenStored();
  } finally {
    await client.destroy();
  }
}

export async function seedHq(
  target: Target,
  opts: { region?: string; districts?: SeedDistrict[]; shelters?: SeedShelter[] },
): Promise<void> {
  await writeDoc(target, HQ_DOC, (doc) => {
    hqMeta(doc).set('schema', SCHEMA_VERSION);
    hqMeta(doc).set('region', opts.region ?? 'テスト地域');
    for (const d of opts.districts ?? []) {
      hqDistricts(doc).set(d.id, toYMap({ name: d.name, level: d.level ?? 0, issuedAt: d.issuedAt ?? null }));
    }
    for (const s of opts.shelters ?? []) {
      hqShelters(doc).set(
        s.id,
        toYMap({
          name: s.name,
          address: s.address ?? '',
          lat: s.lat ?? 32.5,
          lon: s.lon ?? 130.6,
          capacity: s.capacity ?? 100,
          districtId: s.districtId ?? opts.districts?.[0]?.id ?? '',
          hazards: s.hazards ?? [],
        }),
      );
    }
  });
}

/** Registers one shelter (name = id) unless it is already in the registry. */
export async function registerShelter(target: Target, shelterId: string): Promise<void> {
  await writeDoc(target, HQ_DOC, (doc) => {
    if (!hqShelters(doc).has(shelterId)) hqShelters(doc).set(shelterId, toYMap({ name: shelterId, address: '', lat: 32.5, lon: 130.6, capacity: 100, districtId: '', hazards: [] }));
  });
}
