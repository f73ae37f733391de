import { describe, expect, it } from 'vitest';
import type { PublicShelter, PublicStatus } from '../../domain/public-status';
import { crowdingBand } from '../../domain/public-status';
import { distanceMetres, listShelters, nearestDistrictId, sheltersToGoTo, type ListOptions } from '../../web/resident/shelters';
import { switchReached } from '../../web/resident/levels';
import { directionsUrl } from '../../web/resident/directions';
import { parseClosures, parseStatus } from '../../web/resident/public-layers';

function shelter(id: string, p: Partial<PublicShelter>): PublicShelter {
  const base = { id, name: id, lat: 32.5, lon: 130.6, districtId: 'a', hazards: [], status: 'open' as const, capacity: 100, headcount: 0, ...p };
  return {
    ...base,
    stay: { shelter: base.headcount, car: 0, home: 0 },
    crowding: crowdingBand(base.headcount, base.capacity, base.status),
    updatedAt: null,
  };
}

const status: PublicStatus = {
  generatedAt: '2026-11-22T00:00:00Z',
  region: 'test',
  districts: [
    { id: 'a', name: 'A', level: 3, issuedAt: null },
    { id: 'b', name: 'B', level: 4, issuedAt: null },
  ],
  shelters: [
    shelter('a-far', { districtId: 'a', lat: 32.6, lon: 130.6, hazards: ['flood'] }),
    shelter('a-near-full', { districtId: 'a', lat: 32.501, lon: 130.6, headcount: 90, hazards: ['flood'] }),
    shelter('a-closed', { districtId: 'a', lat: 32.5, lon: 130.6, status: 'closed' }),
    shelter('a-landslide-only', { districtId: 'a', lat: 32.5005, lon: 130.6, hazards: ['landslide'] }),
    shelter('b-mid', { districtId: 'b', lat: 32.52, lon: 130.6, hazards: [] }),
  ],
};
const here = { lat: 32.5, lon: 130.6 };
const opts = (o: Partial<ListOptions>): ListOptions => ({
  districtId: 'a', allDistricts: false, hazard: 'any', sort: 'name', here: null, collator: new Intl.Collator('en'), ...o,
});

describe('which shelters a resident sees', () => {
  it('measures distance on the globe (1° of latitude ≈ 111 km)', () => {
    expect(distanceMetres({ lat: 32, lon: 130 }, { lat: 33, lon: 130 })).toBeGreaterThan(110_000);
    expect(distanceMetres({ lat: 32, lon: 130 }, { lat: 33, lon: 130 })).toBeLessThan(112_000);
  });

  it('picks the district of the nearest shelter for a location', () => {
    expect(nearestDistrictId(status, { lat: 32.521, lon: 130.6 })).toBe('b');
    expect(nearestDistrictId(status, here)).toBe('a');
  });

  it('lists shelters that can take people first, then full, then closed', () => {
    const ids = listShelters(status, opts({})).map((l) => l.shelter.id);
    expect(ids).toEqual(['a-far', 'a-landslide-only', 'a-near-full', 'a-closed']);
  });

  it('sorts nearest first when the location is known', () => {
    const ids = listShelters(status, opts({ here, sort: 'distance' })).map((l) => l.shelter.id);
    expect(ids).toEqual(['a-landslide-only', 'a-far', 'a-near-full', 'a-closed']);
  });

  it('puts shelters designated for the chosen hazard before unknown and unsuited ones', () => {
    const listed = listShelters(status, opts({ hazard: 'flood', allDistricts: true }));
    expect(listed.map((l) => [l.shelter.id, l.suitability])).toEqual([
      ['a-far', 'suited'], ['b-mid', 'unknown'], ['a-landslide-only', 'unsuited'], ['a-near-full', 'suited'], ['a-closed', 'unknown'],
    ]);
  });

  it('sends an evacuating resident only to open, not full, not unsuited shelters, nearest first across districts', () => {
    const go = sheltersToGoTo(status, opts({ here, hazard: 'flood' })).map((l) => l.shelter.id);
    expect(go).toEqual(['a-far', 'b-mid']);
    const goAny = sheltersToGoTo(status, opts({ here })).map((l) => l.shelter.id);
    expect(goAny).toEqual(['a-landslide-only', 'b-mid', 'a-far']);
  });
});

describe('the evacuation switch', () => {
  it('is reached at or above the chosen level', () => {
    expect(switchReached(2, 3)).toBe(false);
    expect(switchReached(3, 3)).toBe(true);
    expect(switchReached(5, 4)).toBe(true);
    expect(switchReached(3, 4)).toBe(false);
  });
});

describe('directions link', () => {
  it('opens Apple Maps on Apple devices and Google Maps elsewhere, by coordinates', () => {
    expect(directionsUrl(32.5, 130.6, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)')).toBe('https://maps.apple.com/?daddr=32.500000,130.600000&dirflg=w');
    expect(directionsUrl(32.5, 130.6, 'Mozilla/5.0 (Linux; Android 14)')).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=32.500000,130.600000&travelmode=walking',
    );
  });
});

describe('reading the public layers', () => {
  it('rejects a body that is not the status, and repairs odd values instead of crashing', () => {
    expect(parseStatus({ error: 'x' })).toBeNull();
    const s = parseStatus({ districts: [{ id: 'a', level: 9 }], shelters: [{ id: 's', status: 'weird', hazards: 'flood' }] })!;
    expect(s.districts[0]).toEqual({ id: 'a', name: 'a', level: 0, issuedAt: null });
    expect(s.shelters[0]).toMatchObject({ status: 'closed', crowding: 'closed', hazards: [] });
  });

  it('reads closures from a FeatureCollection and skips features without geometry', () => {
    const c = parseClosures({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[130, 32], [130.1, 32]] }, properties: { id: 'c1', reason: '冠水', since: '2026-11-22T00:00:00Z', until: null, source: 'city' } },
        { type: 'Feature', geometry: null, properties: { id: 'c2' } },
      ],
    })!;
    expect(c.map((x) => x.id)).toEqual(['c1']);
    expect(parseClosures([])).toBeNull();
  });
});
