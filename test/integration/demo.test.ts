// The demo region a newcomer sees on an empty store.
import { describe, expect, it } from 'vitest';
import type { PublicStatus } from '../../domain/public-status';
import { DEMO_REGION } from '../../sync-server/features/demo';
import { startTestServer } from '../helpers/server';
import { YClient } from '../helpers/yclient';

describe('demo region', () => {
  it('an empty store gets a clearly labelled fictional region with districts, shelters, people and closures', async () => {
    const server = await startTestServer({ demo: true });
    try {
      const status = (await (await fetch(`${server.url}/api/public/status.json`)).json()) as PublicStatus;
      expect(status.region).toBe(DEMO_REGION);
      expect(status.region).toContain('架空');
      expect(status.districts).toHaveLength(10);
      expect(status.shelters).toHaveLength(30);
      for (const s of status.shelters) {
        expect(s.lat).toBeGreaterThanOrEqual(32.44);
        expect(s.lat).toBeLessThanOrEqual(32.56);
        expect(s.lon).toBeGreaterThanOrEqual(130.55);
        expect(s.lon).toBeLessThanOrEqual(130.7);
        expect(s.capacity).toBeGreaterThanOrEqual(50);
        expect(s.capacity).toBeLessThanOrEqual(800);
        expect(s.hazards.length).toBeGreaterThan(0);
      }
      expect(status.shelters.filter((s) => s.headcount > 0).length).toBeGreaterThanOrEqual(10);
      expect(new Set(status.shelters.map((s) => s.crowding)).size).toBeGreaterThanOrEqual(3);
      expect(status.districts.some((d) => d.level >= 3)).toBe(true);

      const closures = await (await fetch(`${server.url}/api/public/road-closures.geojson`)).json();
      const types = new Set(closures.features.map((f: { geometry: { type: string } }) => f.geometry.type));
      expect(types).toEqual(new Set(['LineString', 'Polygon']));

      // ordinary documents: a tablet of the first demo shelter syncs its people and items
      const c = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/demo-01', token: await server.token({ role: 'staff', shelter: 'demo-01' }) });
      await c.whenSynced();
      const people = c.doc.getMap('people');
      expect(people.size).toBeGreaterThan(10);
      const names = [...people.values()].map((p) => (p as { get(k: string): unknown }).get('name') as string);
      const text = JSON.stringify(status);
      for (const name of names) expect(text).not.toContain(name);
      expect(c.doc.getMap('items').size).toBeGreaterThan(0);
      await c.destroy();

      // restarting does not seed twice
      const dataDir = server.dataDir;
      const docs = await server.server.store.listDocs();
      await server.stop();
      const again = await startTestServer({ dataDir, demo: true });
      expect(await again.server.store.listDocs()).toEqual(docs);
      await again.stop();
    } catch (e) {
      await server.stop().catch(() => undefined);
      throw e;
    }
  });

  it('--no-demo leaves an empty store empty', async () => {
    const server = await startTestServer({ demo: false });
    expect(await server.server.store.listDocs()).toEqual([]);
    await server.stop();
  });
});
