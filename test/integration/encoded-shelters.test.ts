// A shelter that only gains people is held encoded by the server, with a shadow of what its
// readers need (core/registry.ts, domain/people-shadow.ts): on a real server, through tablets'
// sockets, the summary HQ sees stays right, a tablet that connects gets everyone, any other change
// makes the document live again, and a shelter where check-ins and other changes alternate is
// encoded less and less readily.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInHousehold, checkOutPerson, emptyPersonInput } from '../../domain/people';
import { shelterDocName, shelterPeople } from '../../domain/schema';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import { YClient } from '../helpers/yclient';

let server: TestServer;
const DOC = shelterDocName('s1');

beforeAll(async () => {
  server = await startTestServer({});
  await seedHq(server, { districts: [{ id: 'd1', name: '本町地区' }], shelters: [{ id: 's1', name: '本町小学校', districtId: 'd1' }] });
});

afterAll(async () => {
  await server.stop();
});

describe('a busy shelter held encoded', () => {
  it('stays right for HQ and for tablets, and goes live for anything but a check-in', async () => {
    const token = await server.token({ role: 'staff', shelter: 's1' });
    const tablet = await YClient.connect({ wsUrl: server.wsUrl, docName: DOC, token });
    await tablet.whenSynced();
    let n = 0;
    const checkIn = async (size: number) => {
      const r = checkInHousehold(tablet.doc, Array.from({ length: size }, () => ({ ...emptyPersonInput(), name: `住民 ${n}` })), { now: new Date(), newId: () => `p${n++}` });
      if (!r.ok) throw new Error('check-in refused');
      await tablet.whenStored();
    };
    const live = () => server.server.registry.get(DOC)!;
    const present = async (expected: number) => {
      await expect.poll(() => (server.server.derived.flushNow(), server.server.derived.overview().shelters.find((s) => s.shelterId === 's1')?.present.shelter), { timeout: 5_000, interval: 20 }).toBe(expected);
    };

    for (let i = 0; i < 4; i++) await checkIn(2);
    expect(live().isHot).toBe(false);
    expect(live().shadow?.counter.records).toBe(8);
    for (let i = 0; i < 3; i++) await checkIn(3);
    expect(live().isHot).toBe(false);
    await present(17);

    // A tablet that connects now gets everyone from the encoded document.
    const other = await YClient.connect({ wsUrl: server.wsUrl, docName: DOC, token });
    await other.whenSynced();
    expect(shelterPeople(other.doc).size).toBe(17);
    expect(live().isHot).toBe(false);

    // A check-out is not a check-in: the document is live again, and counted from itself.
    const out = checkOutPerson(tablet.doc, [...shelterPeople(tablet.doc).keys()][0], new Date());
    expect(out.ok).toBe(true);
    await tablet.whenStored();
    expect(live().isHot).toBe(true);
    await present(16);
    // Made live once, it now waits for 8 check-ins in a row before it is encoded again.
    for (let i = 0; i < 4; i++) await checkIn(1);
    expect(live().isHot).toBe(true);
    for (let i = 0; i < 4; i++) await checkIn(1);
    expect(live().isHot).toBe(false);
    await present(24);
    // The other tablet saw every change.
    await expect.poll(() => shelterPeople(other.doc).size, { timeout: 5_000, interval: 20 }).toBe(25);

    await other.destroy();
    await tablet.destroy();
  });
});
