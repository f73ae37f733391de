import { it, expect } from 'vitest';
import { runSeed } from '../helpers/fuzz';
import { startTestPostgres } from '../helpers/postgres';
import { startTestServer } from '../helpers/server';
it('sweep', async () => {
  const pg = await startTestPostgres();
  const url = await pg.createDatabase();
  const a = await startTestServer({ storeUrl: url, compactThreshold: 8, unloadGraceMs: 30 });
  const b = await startTestServer({ storeUrl: url, compactThreshold: 8, unloadGraceMs: 30 });
  const c = await startTestServer({ storeUrl: url, compactThreshold: 8, unloadGraceMs: 30 });
  const failed: string[] = [];
  for (let seed = 1; seed <= 150; seed++) {
    try { await runSeed([a, b, c], seed, 150); } catch (e) { failed.push(`${seed}: ${(e as Error).message.slice(0, 300)}`); }
  }
  console.log('FAILED', JSON.stringify(failed, null, 1));
  await a.stop(); await b.stop(); await c.stop(); await pg.stop();
  expect(failed).toEqual([]);
}, 1_200_000);
