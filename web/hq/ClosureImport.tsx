// Importing a road-closure file: a preview like the registry import. The officer sees which
// property holds the reason, the kind of restriction, the road, the start and the end (guessed,
// changeable, remembered for the next file of the same shape), how many closures are added or
// updated, and which features are skipped and why, in the UI's language. Nothing is written
// until "import" is pressed.
import { useState } from 'preact/hooks';
import {
  CLOSURE_FIELDS, type ClosureMapping, type ClosurePreview, type FileProblem, applyClosureImport, previewClosureImport,
  propertyKeys, shapeKey,
} from '../../domain/closure-import';
import type { ClosureProblem } from '../../domain/closures';
import { hqRoadClosures } from '../../domain/schema';
import type { HqView } from './context';
import { FileButton } from './FileButton';

const mappingKey = (shape: string) => `hinanjo:closure-mapping:${shape}`;

function rememberedMapping(keys: string[]): ClosureMapping | undefined {
  try {
    const saved = JSON.parse(localStorage.getItem(mappingKey(shapeKey(keys))) ?? 'null') as ClosureMapping | null;
    // Only keys the file still has: a remembered choice never points at a missing property.
    if (saved && CLOSURE_FIELDS.every((f) => saved[f] === null || keys.includes(saved[f]!))) return saved;
  } catch {
    // nothing remembered
  }
  return undefined;
}

export function ClosureImport({ view }: { view: HqView }) {
  const { t, hq } = view;
  const ci = t.closureImport;
  const [file, setFile] = useState<{ name: string; json: unknown } | null>(null);
  const [mapping, setMapping] = useState<ClosureMapping | undefined>(undefined);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const preview = (json: unknown, m: ClosureMapping | undefined) =>
    previewClosureImport(json, { now: new Date(), existingIds: new Set(hqRoadClosures(hq.doc).keys()), mapping: m });

  const onFile = async (f: File) => {
    setMessage(null);
    let json: unknown;
    try {
      json = JSON.parse(await f.text());
    } catch {
      setMessage({ ok: false, text: t.closures.notJson });
      return;
    }
    const features = (json as { features?: unknown[] } | null)?.features;
    const m = Array.isArray(features) ? rememberedMapping(propertyKeys(features)) : undefined;
    const p = preview(json, m);
    if (!p.ok) {
      setMessage({ ok: false, text: fileProblem(p.error) });
      return;
    }
    setFile({ name: f.name, json });
    setMapping(p.value.mapping);
  };

  const fileProblem = (p: FileProblem) => (p.code === 'crs-not-wgs84' ? ci.crs(p.value) : ci.fileProblem[p.code]);
  const problemText = (p: ClosureProblem) => ci.problem[p.code]?.(p.value) ?? p.code;

  const current = file ? preview(file.json, mapping) : null;
  const result: ClosurePreview | null = current?.ok ? current.value : null;

  const doImport = async () => {
    if (!file || !result) return;
    let counts = { added: 0, updated: 0 };
    await hq.transact((doc) => {
      counts = applyClosureImport(doc, result.items);
    });
    localStorage.setItem(mappingKey(shapeKey(result.keys)), JSON.stringify(result.mapping));
    setMessage({ ok: true, text: ci.done(counts.added, counts.updated, result.skipped.length) });
    setFile(null);
  };

  return (
    <div class="hq-closure-import">
      <FileButton label={t.closures.import} accept=".geojson,.json,application/geo+json,application/json" onFile={(f) => void onFile(f)} testId="closure-import" />
      {message && (
        <p class={`flash${message.ok ? '' : ' flash--error'}`} role={message.ok ? 'status' : 'alert'} data-testid="closure-import-result">
          {message.text}
        </p>
      )}
      {file && result && (
        <section class="hq-preview" data-testid="closure-preview">
          <h3>{ci.heading(file.name)}</h3>
          <div class="hq-preview__mapping">
            {CLOSURE_FIELDS.map((field) => (
              <label key={field}>
                <span>{ci.field[field]}</span>
                <select
                  value={result.mapping[field] ?? ''}
                  onChange={(e) => setMapping({ ...result.mapping, [field]: (e.target as HTMLSelectElement).value || null })}
                  data-testid={`closure-map-${field}`}
                >
                  <option value="">{ci.none}</option>
                  {result.keys.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <p data-testid="closure-preview-counts">
            {ci.counts(result.items.filter((i) => !i.update).length, result.items.filter((i) => i.update).length, result.skipped.length)}
          </p>
          {result.items.length > 0 && (
            <ul class="hq-preview__list" data-testid="closure-preview-items">
              {result.items.slice(0, 20).map((i) => (
                <li key={i.closure.id}>
                  {i.update ? ci.update : ci.add}: <strong>{i.closure.road || '—'}</strong> {i.closure.reason}
                  {!i.sinceGiven && <span class="muted"> ({ci.startsNow})</span>}
                </li>
              ))}
            </ul>
          )}
          {result.skipped.length > 0 && (
            <>
              <h4>{ci.skippedHeading}</h4>
              <ul class="hq-preview__skipped" data-testid="closure-preview-skipped">
                {result.skipped.map((s) => (
                  <li key={s.feature}>
                    {ci.featureN(s.feature + 1)}: {s.problems.map(problemText).join(' / ')}
                  </li>
                ))}
              </ul>
            </>
          )}
          <div class="hq-actions">
            <button type="button" class="button" onClick={() => setFile(null)}>
              {t.closures.cancel}
            </button>
            <button type="button" class="button button--primary" disabled={result.items.length === 0} onClick={() => void doImport()} data-testid="closure-import-confirm">
              {ci.importN(result.items.length)}
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
