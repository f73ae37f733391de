// How fast a level change set at HQ reaches an open resident page: from the write to the hq
// document, until (1) the doorbell event of /api/public/changes arrives and (2) status.json
// shows the new level. Before the doorbell, a page learned it at its next poll (up to a minute).
// Prints JSON lines (scripts/bench.mjs).
import { HQ_DOC } from '../domain/schema';
import { setDistrictLevel } from '../domain/levels';
import type { Level } from '../domain/schema';
import { startTestServer } from '../test/helpers/server';
import { seedHq, writeDoc } from '../test/helpers/seed';

const emit = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: 'level-push', metric, value: Math.round(value * 10) / 10, unit, ...extra }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const server = await startTestServer();
  await seedHq(server, { districts: [{ id: 'd1', name: '一丁目', level: 0 }], shelters: [{ id: 's1', name: 'S', districtId: 'd1' }] });
  const res = await fetch(`${server.url}/api/public/changes`);
  const reader = res.body!.getReader();
  const events: number[] = [];
  let buffered = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += new TextDecoder().decode(value);
      const parts = buffered.split('\n\n');
      buffered = parts.pop() ?? '';
      for (const p of parts) if (p.includes('event: etags')) events.push(performance.now());
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  const toEvent: number[] = [];
  const toStatus: number[] = [];
  for (let i = 1; i <= 10; i++) {
    const level = (i % 5) + 1;
    const before = events.length;
    const t0 = performance.now();
    await writeDoc(server, HQ_DOC, (doc) => {
      const r = setDistrictLevel(doc, 'd1', level as Level, { by: 'bench', now: new Date() });
      if (!r.ok) throw new Error(r.error);
    });
    while (events.length === before) await new Promise((r) => setTimeout(r, 2));
    toEvent.push(events[before] - t0);
    const status = (await (await fetch(`${server.url}/api/public/status.json`)).json()) as { districts: { level: number }[] };
    if (status.districts[0].level !== level) throw new Error('status.json did not show the level after the event');
    toStatus.push(performance.now() - t0);
  }
  emit('level_change_to_doorbell_p50', median(toEvent), 'ms', { runs: 10, note: 'includes the HQ write being stored' });
  emit('level_change_to_status_json_p50', median(toStatus), 'ms', { runs: 10, before: 'up to 60000 (the page polled once a minute)', target: 'within seconds' });
  await reader.cancel();
  await server.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
