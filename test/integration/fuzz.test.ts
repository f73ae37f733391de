// Seeded fuzz: several clients on one document make random edits while they are cut off,
// reconnected, and lose some of what they send and receive. Invariant after every step: no
// STORED message claims more than the server holds. At the end, with delivery healed: every
// client and the store (after a restart) hold exactly the edits that were made — convergence
// with nothing lost. A seed that once failed stays below as a named regression test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeed as runFuzz, snapshot } from '../helpers/fuzz';
import { startTestServer, type TestServer } from '../helpers/server';
import { YClient } from '../helpers/yclient';

const STEPS = Number(process.env.FUZZ_STEPS ?? 80);
const SEEDS = Array.from({ length: Number(process.env.FUZZ_SEEDS ?? 12) }, (_, i) => i + 1);
/** Seeds that once failed, with what they caught. */
const REGRESSION_SEEDS: { seed: number; steps: number; caught: string }[] = [
  {
    seed: 3,
    steps: 80,
    caught:
      'a client that received another client\'s update after its own last STORED must count it as stored (the server forwards only what it committed)',
  },
  {
    seed: 158,
    steps: 150,
    caught: 'a deletion has no clock, so a state vector cannot confirm it: STORED also counts the durable update messages',
  },
  {
    seed: 280,
    steps: 150,
    caught: 'a deletion forwarded to one client can arrive after another client\'s STORED: convergence is judged on content, not state vectors',
  },
  {
    seed: 268,
    steps: 150,
    caught: 'a deletion made offline and sent in the reconnect handshake is confirmed only once it is committed',
  },
];

let server: TestServer;
const finalStates = new Map<string, unknown>();

beforeAll(async () => {
  server = await startTestServer({ compactThreshold: 40, unloadGraceMs: 50 });
});

afterAll(async () => {
  await server.stop();
});

async function runSeed(seed: number, steps = STEPS): Promise<void> {
  const { docName, expected } = await runFuzz([server], seed, steps);
  finalStates.set(docName, expected);
}

describe('fuzz: random edits, disconnects and partial delivery converge with nothing lost', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}`, async () => runSeed(seed));
  }
  for (const { seed, steps, caught } of REGRESSION_SEEDS) {
    it(`regression seed ${seed}: ${caught}`, async () => runSeed(seed, steps));
  }

  it('after a restart the store holds every fuzzed document exactly as the clients ended', async () => {
    const dataDir = server.dataDir;
    await server.stop();
    server = await startTestServer({ dataDir });
    const hq = await server.token({ role: 'hq' });
    expect(finalStates.size).toBe(SEEDS.length + REGRESSION_SEEDS.length);
    for (const [docName, expected] of finalStates) {
      const c = await YClient.connect({ wsUrl: server.wsUrl, docName, token: hq });
      await c.whenSynced();
      expect(snapshot(c.doc)).toEqual(expected);
      await c.destroy();
    }
  });
});
