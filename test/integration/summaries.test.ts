// A restart loads only the shelters that changed since their summary was kept: with nothing
// changed, the server listens without loading any shelter document (300 shelters took 10 s
// when every one was loaded and summarized first).
import { describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { checkInHousehold, emptyPersonInput } from '../../domain/people';
import { shelterDocName, shelterMeta } from '../../domain/schema';
import { startTestServer, tempDataDir } from '../helpers/server';
import { writeDoc } from '../helpers/seed';
import { openSqliteStore } from '../../sync-server/store/sqlite';
import * as Y from 'yjs';

const N = 5;

async function fill(server: Awaited<ReturnType<typeof startTestServer>>, id: string, people: number, now = new Date()) {
  await writeDoc(server, shelterDocName(id), (doc) => {
    shelterMeta(doc).set('status', 'open');
    const r = checkInHousehold(doc, Array.from({ length: people }, (_, i) => ({ ...emptyPersonInput(), name: `人${i}` })), { now, newId: uuidv7 });
    if (!r.ok) throw new Error('check-in');
  });
}

describe('kept summaries', () => {
  it('a restart with nothing changed loads no shelter; a changed shelter is summarized again; headcounts are right', async () => {
    const dataDir = tempDataDir();
    let server = await startTestServer({ dataDir });
    for (let i = 0; i < N; i++) await fill(server, `s${i}`, i + 1);
    await server.stop();

    server = await startTestServer({ dataDir });
    expect(server.server.derived.startStats).toEqual({ fromStore: N, summarized: 0, refreshedLater: 0 });
    const overview = server.server.derived.overview().shelters;
    expect(overview.map((s) => [s.shelterId, s.present.shelter])).toEqual(Array.from({ length: N }, (_, i) => [`s${i}`, i + 1]));
    await fill(server, 's2', 10);
    await server.stop();
    // a change the kept summary does not know (another instance wrote it, or a crash came first)
    const store = openSqliteStore(dataDir);
    const doc = new Y.Doc();
    checkInHousehold(doc, [{ ...emptyPersonInput(), name: '後から' }], { now: new Date(), newId: uuidv7 });
    await store.append([{ docName: shelterDocName('s2'), update: Y.encodeStateAsUpdate(doc) }], new Date());
    await store.close();

    server = await startTestServer({ dataDir });
    expect(server.server.derived.startStats).toEqual({ fromStore: N - 1, summarized: 1, refreshedLater: 0 });
    expect(server.server.derived.overview().shelters.find((s) => s.shelterId === 's2')!.present.shelter).toBe(14);
    await server.stop();
  });

  it("yesterday's summaries are used at start and refreshed in the background", async () => {
    const dataDir = tempDataDir();
    const yesterday = () => new Date(Date.now() - 26 * 3600_000);
    let server = await startTestServer({ dataDir, clock: yesterday });
    for (let i = 0; i < 2; i++) await fill(server, `y${i}`, 2, yesterday());
    await server.stop();
    server = await startTestServer({ dataDir });
    expect(server.server.derived.startStats).toEqual({ fromStore: 2, summarized: 0, refreshedLater: 2 });
    await server.server.derived.whenRefreshed();
    // refreshed today: the people who arrived yesterday are not "arrivals today"
    expect(server.server.derived.overview().shelters.every((s) => s.arrivalsToday === 0 && s.present.shelter === 2)).toBe(true);
    await server.stop();
  });
});
