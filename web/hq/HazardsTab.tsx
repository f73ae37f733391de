// Hazard maps for the residents' page: the layers the city has published, and an import of the
// city's GeoJSON (国土数値情報 flood depth ranks, 家屋倒壊等氾濫想定区域, 土砂災害警戒区域, tsunami,
// storm surge; UTF-8 or Shift_JIS). The file is read in a worker (hazard-worker.ts): the preview
// shows the guessed kind, which attribute holds the depth or class and what each value means,
// all changeable; the build reports progress; features that cannot be used are listed with the
// reason, the rest are imported. Attributes are mapped, never hard-wired to one edition.
import { useEffect, useRef, useState } from 'preact/hooks';
import { DEPTH_RANKS, HAZARD_KINDS, valueRange, type HazardKind, type HazardMapping } from '../../domain/hazard-layers';
import { shortDateTime } from '../lib/format';
import type { HqView } from './context';
import { FileButton } from './FileButton';
import { ConfirmDialog } from '../lib/ui/ConfirmDialog';
import type { HazardWorkerReply, HazardWorkerRequest } from './hazard-worker';

interface ListedLayer {
  id: string;
  kind: HazardKind;
  name: string;
  source: string;
  importedAt: string;
  zones: number;
  bytes: number;
  gzipBytes: number;
}

type Preview = Extract<HazardWorkerReply, { type: 'parsed' }> & { fileName: string };

export function HazardsTab({ view }: { view: HqView }) {
  const { t } = view;
  const h = t.hazards;
  const [layers, setLayers] = useState<ListedLayer[] | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<HazardMapping | null>(null);
  const [name, setName] = useState('');
  const [source, setSource] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [skipped, setSkipped] = useState<{ index: number; problem: string; value?: string }[]>([]);
  const worker = useRef<Worker | null>(null);
  /** A layer to remove, once HQ confirms (residents' pages stop showing it). */
  const [removing, setRemoving] = useState<ListedLayer | null>(null);

  const loadLayers = async () => {
    try {
      const res = await fetch('/api/public/hazards.json', { cache: 'no-cache' });
      setLayers(((await res.json()) as { layers: ListedLayer[] }).layers);
    } catch {
      setLayers(null);
    }
  };
  useEffect(() => {
    void loadLayers();
    return () => worker.current?.terminate();
  }, []);

  const ask = (m: HazardWorkerRequest, transfer: Transferable[] = []) => {
    worker.current ??= new Worker(new URL('./hazard-worker.ts', import.meta.url), { type: 'module' });
    worker.current.onmessage = (e: MessageEvent<HazardWorkerReply>) => void onReply(e.data);
    worker.current.postMessage(m, transfer);
  };

  const onReply = async (r: HazardWorkerReply) => {
    if (r.type === 'error') {
      setProgress(null);
      setMessage({ text: h.errors[r.error], error: true });
    } else if (r.type === 'parsed') {
      setProgress(null);
      setPreview((p) => ({ ...r, fileName: p?.fileName ?? '' }));
      setMapping(r.mapping);
    } else if (r.type === 'guessed') {
      setMapping(r.mapping);
    } else if (r.type === 'progress') {
      setProgress(r.done);
    } else {
      setSkipped(r.skipped);
      const res = await fetch('/api/hq/hazard-layers', {
        method: 'POST',
        headers: { Authorization: `Bearer ${view.token}`, 'Content-Type': 'application/json' },
        body: r.layerJson,
      }).catch(() => null);
      setProgress(null);
      if (!res || !res.ok) {
        const err = res ? ((await res.json().catch(() => ({}))) as { error?: string }).error : 'offline';
        setMessage({ text: h.uploadFailed(h.serverErrors[err ?? ''] ?? err ?? ''), error: true });
        return;
      }
      const done = (await res.json()) as { zones: number; gzipBytes: number };
      setMessage({ text: h.imported(done.zones, r.features - new Set(r.skipped.map((s) => s.index)).size, r.skipped.length, Math.round(done.gzipBytes / 1024)) });
      setPreview(null);
      void loadLayers();
    }
  };

  const onFile = async (file: File) => {
    setMessage(null);
    setSkipped([]);
    setPreview({ fileName: file.name } as Preview);
    setName(file.name.replace(/\.(geo)?json$/i, ''));
    setSource('');
    setProgress(0);
    const bytes = await file.arrayBuffer();
    ask({ type: 'parse', bytes, fileName: file.name }, [bytes]);
  };

  const build = () => {
    if (!mapping || !preview) return;
    if (!name.trim()) return setMessage({ text: h.nameRequired, error: true });
    setMessage(null);
    setProgress(0);
    const id = `${mapping.kind}-${Date.now().toString(36)}`;
    ask({ type: 'build', mapping, meta: { id, name: name.trim(), source: source.trim() || preview.fileName, importedAt: new Date().toISOString() } });
  };

  const remove = async (id: string) => {
    const res = await fetch(`/api/hq/hazard-layers/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { Authorization: `Bearer ${view.token}` } }).catch(() => null);
    if (!res?.ok) setMessage({ text: h.deleteFailed, error: true });
    void loadLayers();
  };

  const range = mapping ? valueRange(mapping.kind) : null;
  const valueLabel = (kind: HazardKind, v: number) =>
    kind === 'landslide' ? h.classes[v] : kind === 'collapse' ? h.kinds.collapse : h.depth(DEPTH_RANKS[v].min, DEPTH_RANKS[v].max);

  return (
    <div class="hq-page">
      <h2>{h.heading}</h2>
      <p class="muted">{h.hint}</p>
      {layers === null ? (
        <p class="muted">{h.offline}</p>
      ) : layers.length === 0 ? (
        <p class="muted" data-testid="hazards-none">{h.none}</p>
      ) : (
        <table class="hq-table" data-testid="hazards-table">
          <thead>
            <tr>
              <th scope="col">{h.col.kind}</th>
              <th scope="col">{h.col.name}</th>
              <th scope="col">{h.col.source}</th>
              <th scope="col" class="num">{h.col.zones}</th>
              <th scope="col" class="num">{h.col.size}</th>
              <th scope="col">{h.col.at}</th>
              <th scope="col">{h.col.action}</th>
            </tr>
          </thead>
          <tbody>
            {layers.map((l) => (
              <tr key={l.id} data-layer={l.id}>
                <td>{h.kinds[l.kind]}</td>
                <td>{l.name}</td>
                <td>{l.source}</td>
                <td class="num">{l.zones}</td>
                <td class="num">{Math.max(1, Math.round(l.gzipBytes / 1024))} KB</td>
                <td>{shortDateTime(l.importedAt)}</td>
                <td>
                  <button type="button" class="button button--small" onClick={() => setRemoving(l)} data-testid="hazard-delete">
                    {h.delete}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FileButton primary label={h.import} accept=".geojson,.json,application/geo+json" testId="hazard-file" onFile={onFile} />
      {progress !== null && (
        <p role="status" data-testid="hazard-progress">
          {h.working} <progress max={1} value={progress} /> {Math.round(progress * 100)}%
        </p>
      )}
      {message && (
        <p class={message.error ? 'flash flash--error' : 'flash'} role={message.error ? 'alert' : 'status'} data-testid="hazard-message">
          {message.text}
        </p>
      )}
      {skipped.length > 0 && (
        <details class="hq-bad-rows" open={skipped.length <= 20} data-testid="hazard-skipped">
          <summary>{h.skippedHeading(skipped.length)}</summary>
          <ul>
            {skipped.slice(0, 200).map((s) => (
              <li key={`${s.index}-${s.problem}`}>
                {h.feature(s.index + 1)}: {h.problems[s.problem] ?? s.problem}
                {s.value !== undefined && <code> {s.value}</code>}
              </li>
            ))}
          </ul>
        </details>
      )}
      {removing && (
        <ConfirmDialog
          confirmLabel={h.delete}
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const id = removing.id;
            setRemoving(null);
            void remove(id);
          }}
        >
          {h.deleteConfirm(removing.name)}
        </ConfirmDialog>
      )}
      {preview && mapping && range && 'features' in preview && (
        <section class="hq-preview" data-testid="hazard-preview">
          <h3>{h.previewHeading}</h3>
          <p>
            {preview.fileName} · {h.features(preview.features)} · {preview.encoding}
          </p>
          <div class="field">
            <label for="hazard-kind">{h.kind}</label>
            <select
              id="hazard-kind"
              value={mapping.kind}
              onChange={(e) => ask({ type: 'guess', kind: (e.target as HTMLSelectElement).value as HazardKind })}
              data-testid="hazard-kind"
            >
              {HAZARD_KINDS.map((k) => (
                <option key={k} value={k}>{h.kinds[k]}</option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="hazard-name">{h.name}</label>
            <input id="hazard-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} data-testid="hazard-name" />
          </div>
          <div class="field">
            <label for="hazard-source">{h.source}</label>
            <input id="hazard-source" value={source} placeholder={preview.fileName} onInput={(e) => setSource((e.target as HTMLInputElement).value)} />
          </div>
          {mapping.kind !== 'collapse' && (
            <>
              <div class="field">
                <label for="hazard-property">{h.property}</label>
                <select
                  id="hazard-property"
                  value={mapping.property ?? ''}
                  onChange={(e) => {
                    const property = (e.target as HTMLSelectElement).value || null;
                    setMapping({ ...mapping, property, values: Object.fromEntries((property ? preview.samples[property] ?? [] : []).map((v) => [v, null])) });
                  }}
                  data-testid="hazard-property"
                >
                  <option value="">{h.noProperty}</option>
                  {preview.keys.map((k) => (
                    <option key={k} value={k}>
                      {k} ({(preview.samples[k] ?? []).slice(0, 3).join(', ')})
                    </option>
                  ))}
                </select>
              </div>
              {mapping.property && (
                <table class="hq-table hq-mapping" data-testid="hazard-values">
                  <thead>
                    <tr>
                      <th scope="col">{h.fileValue}</th>
                      <th scope="col">{h.meaning}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {Object.entries(mapping.values).map(([v, mapped]) => (
                      <tr key={v}>
                        <td><code>{v}</code></td>
                        <td>
                          <select
                            value={mapped === null ? '' : String(mapped)}
                            onChange={(e) => {
                              const x = (e.target as HTMLSelectElement).value;
                              setMapping({ ...mapping, values: { ...mapping.values, [v]: x === '' ? null : Number(x) } });
                            }}
                            aria-label={`${h.meaning}: ${v}`}
                          >
                            <option value="">{h.skip}</option>
                            {Array.from({ length: range.max - range.min + 1 }, (_, i) => range.min + i).map((n) => (
                              <option key={n} value={String(n)}>{valueLabel(mapping.kind, n)}</option>
                            ))}
                          </select>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
          <div class="hq-actions">
            <button type="button" class="button" onClick={() => setPreview(null)}>{h.cancel}</button>
            <button
              type="button"
              class="button button--primary"
              disabled={progress !== null || (mapping.kind !== 'collapse' && !mapping.property)}
              onClick={build}
              data-testid="hazard-apply"
            >
              {h.apply}
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
