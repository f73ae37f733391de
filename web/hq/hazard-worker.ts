// Reads a hazard file and builds its compact layer off the page's thread: a 国土数値情報 file
// is tens of MB and 20,000 polygons, and HQ's screens must not freeze meanwhile. The page sends
// the bytes; the worker answers with what the preview needs (keys, sample values, guesses),
// then, with the mapping HQ confirmed, builds the layer and reports progress as it goes.
import { decodeFileBytes } from '../../domain/file-text';
import { buildHazardLayer, distinctValues, guessKind, guessMapping, type HazardKind, type HazardMapping } from '../../domain/hazard-layers';
import { propertyKeys } from '../../domain/geojson-props';

export type HazardWorkerRequest =
  | { type: 'parse'; bytes: ArrayBuffer; fileName: string }
  | { type: 'guess'; kind: HazardKind }
  | { type: 'build'; mapping: HazardMapping; meta: { id: string; name: string; source: string; importedAt: string } };

export type HazardWorkerReply =
  | { type: 'parsed'; features: number; keys: string[]; samples: Record<string, string[]>; encoding: string; kind: HazardKind; mapping: HazardMapping }
  | { type: 'guessed'; mapping: HazardMapping }
  | { type: 'progress'; done: number }
  | { type: 'built'; layerJson: string; skipped: { index: number; problem: string; value?: string }[]; features: number }
  | { type: 'error'; error: 'not-json' | 'not-geojson' | 'no-features' };

let features: unknown[] = [];
let keys: string[] = [];

const post = (m: HazardWorkerReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = (e: MessageEvent<HazardWorkerRequest>) => {
  const m = e.data;
  if (m.type === 'parse') {
    const { text, encoding } = decodeFileBytes(new Uint8Array(m.bytes));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return post({ type: 'error', error: 'not-json' });
    }
    const fc = json as { type?: unknown; features?: unknown };
    if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) return post({ type: 'error', error: 'not-geojson' });
    if (fc.features.length === 0) return post({ type: 'error', error: 'no-features' });
    features = fc.features;
    keys = propertyKeys(features.slice(0, 5000));
    const samples = Object.fromEntries(keys.map((k) => [k, distinctValues(features, k, 12)]));
    const kind = guessKind(m.fileName, keys, Object.values(samples).flat().slice(0, 200));
    post({ type: 'parsed', features: features.length, keys, samples, encoding, kind, mapping: guessMapping(kind, features, keys) });
  } else if (m.type === 'guess') {
    post({ type: 'guessed', mapping: guessMapping(m.kind, features, keys) });
  } else {
    const built = buildHazardLayer(features, m.mapping, m.meta, (done) => post({ type: 'progress', done }));
    // Serialized here: the page sends it as it is, with no big object to copy or stringify there.
    post({ type: 'built', layerJson: JSON.stringify(built.layer), skipped: built.skipped, features: built.features });
  }
};
