// The shelter registry: import the municipal CSV (GSI or デジタル庁) with a preview and a report
// of bad rows; edit a shelter's capacity or compute it from floor area; open and close shelters.
import { useMemo, useRef, useState } from 'preact/hooks';
import { newId } from '../lib/ids';
import { type RegistryImportError, type RegistryPreview, applyRegistryImport, previewRegistryImport } from '../../domain/registry-import';
import { capacityFromFloorArea, parseCapacity, parseFloorArea, setShelterCapacity } from '../../domain/capacity';
import { setShelterStatus } from '../../domain/shelter-status';
import { type ShelterStatus, hqShelters } from '../../domain/schema';
import type { HqView } from './context';
import type { ShelterRow } from './shelter-rows';
import { shelterDocs } from './shelter-docs';
import { AddShelterForm } from './AddShelterForm';
import { RegionForm } from './RegionForm';
import { FileButton } from './FileButton';

export function RegistryTab({ view }: { view: HqView }) {
  const { t, hq } = view;
  const r = t.registry;
  const [preview, setPreview] = useState<RegistryPreview | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [districtId, setDistrictId] = useState('');
  const [capacity, setCapacity] = useState('');
  const [overwriteCapacity, setOverwriteCapacity] = useState(false);
  const [applied, setApplied] = useState<string | null>(null);

  const onFile = async (file: File) => {
    setApplied(null);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const p = previewRegistryImport(hq.doc, bytes, { newId, fileName: file.name });
    if (!p.ok) {
      setPreview(null);
      setFileError(errorText(p.error, r));
      return;
    }
    setFileError(null);
    setOverwriteCapacity(false);
    setPreview(p.value);
  };

  const apply = async () => {
    if (!preview) return;
    let result = { added: 0, updated: 0 };
    await hq.transact((doc) => {
      const cap = Number(capacity.normalize('NFKC'));
      result = applyRegistryImport(doc, preview, {
        districtId: districtId || undefined,
        capacity: capacity.trim() !== '' && Number.isInteger(cap) && cap >= 0 ? cap : undefined,
        overwriteHandEditedCapacity: overwriteCapacity,
      });
    });
    setApplied(r.applied(result.added, result.updated));
    setPreview(null);
  };

  /** A stored hazard list ("flood, storm-surge") in the words of the page's language. */
  const hazardText = (keys: string) =>
    keys
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean)
      .map((k) => t.hazardNames[k] ?? k)
      .join('・');

  return (
    <div class="hq-page">
      <h2>{r.heading}</h2>
      <RegionForm view={view} />
      <FileButton primary label={r.importCsv} accept=".csv,text/csv,.geojson,.json,application/geo+json" testId="registry-file" onFile={onFile} />
      {fileError && <p class="flash flash--error" role="alert" data-testid="registry-error">{fileError}</p>}
      {applied && <p class="flash" role="status" data-testid="registry-applied">{applied}</p>}
      {preview && (
        <section class="hq-preview" data-testid="registry-preview" data-format={preview.format} data-encoding={preview.encoding}>
          <h3>{r.previewHeading}</h3>
          <p>
            {r.format[preview.format]} · {r.encoding[preview.encoding]}
          </p>
          <p class="hq-preview__counts">
            <span data-testid="preview-add">{r.toAdd(preview.toAdd.length)}</span> · <span data-testid="preview-update">{r.toUpdate(preview.toUpdate.length)}</span> ·{' '}
            {r.unchanged(preview.unchanged)} · <span data-testid="preview-bad">{r.bad(preview.bad.length)}</span>
          </p>
          {preview.bad.length > 0 && (
            <ul class="hq-bad-rows" data-testid="bad-rows">
              {preview.bad.map((b) => (
                <li key={b.line}>
                  {r.line(b.line)}: {r.badReason[b.reason]}
                  {b.value !== undefined && <code> {b.value}</code>}
                </li>
              ))}
            </ul>
          )}
          <ul class="hq-preview__rows">
            {preview.toAdd.map((a) => (
              <li key={a.shelterId}>+ {a.row.name} <span class="muted">{a.row.address}</span></li>
            ))}
            {preview.toUpdate.map((u) => (
              <li key={u.shelterId} data-testid="preview-update-row">
                ↻ {u.row.name}{' '}
                {u.changes.length === 0 ? (
                  <span class="muted">{r.onlyIdChanges}</span>
                ) : (
                  <ul class="hq-preview__changes">
                    {u.changes.map((c) => (
                      <li key={c.field} data-hand-edited={c.handEdited ? 'true' : undefined}>
                        {r.field[c.field]}: <del>{(c.field === 'hazards' ? hazardText(c.from) : c.from) || '—'}</del> → <ins>{(c.field === 'hazards' ? hazardText(c.to) : c.to) || '—'}</ins>
                        {c.handEdited && <span class="muted" data-testid="hand-edited"> {overwriteCapacity ? r.handEditedReplaced : r.handEditedKept}</span>}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
          {preview.toUpdate.some((u) => u.changes.some((c) => c.handEdited)) && (
            <label class="hq-check" data-testid="overwrite-capacity">
              <input type="checkbox" checked={overwriteCapacity} onChange={(e) => setOverwriteCapacity((e.target as HTMLInputElement).checked)} />{' '}
              {r.overwriteHandEdited}
            </label>
          )}
          {preview.toAdd.some((a) => a.row.capacity === null) && (
            <div class="field">
              <label for="registry-capacity">{r.capacityForNew}</label>
              <input id="registry-capacity" inputMode="numeric" value={capacity} onInput={(e) => setCapacity((e.target as HTMLInputElement).value)} data-testid="registry-capacity" />
              <p class="field__hint">{r.capacityHint}</p>
            </div>
          )}
          {preview.toAdd.length > 0 && (
            <div class="field">
              <label for="registry-district">{r.districtForNew}</label>
              <select id="registry-district" value={districtId} onChange={(e) => setDistrictId((e.target as HTMLSelectElement).value)}>
                <option value="">{r.noDistrict}</option>
                {view.districts.map((d) => (
                  <option key={d.id} value={d.id}>{d.name}</option>
                ))}
              </select>
            </div>
          )}
          <div class="hq-actions">
            <button type="button" class="button" onClick={() => setPreview(null)}>{r.cancel}</button>
            <button
              type="button"
              class="button button--primary"
              disabled={preview.toAdd.length + preview.toUpdate.length === 0}
              onClick={() => void apply()}
              data-testid="registry-apply"
            >
              {r.apply}
            </button>
          </div>
        </section>
      )}
      <AddShelterForm view={view} />
      {view.rows.length === 0 ? (
        <p class="muted">{r.none}</p>
      ) : (
        <RegistryTable view={view} />
      )}
    </div>
  );
}

/** Shelters shown at once: a prefecture has 800; a page of 100 opens at once and sorts fast. */
const PAGE = 100;
const collator = new Intl.Collator('ja');
/** What HQ typed in a row, kept while the row is filtered out or beyond the page. */
type Drafts = Map<string, { capacity?: string; area?: string }>;

function RegistryTable({ view }: { view: HqView }) {
  const { t } = view;
  const r = t.registry;
  const [query, setQuery] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const drafts = useRef<Drafts>(new Map());
  const sorted = useMemo(() => [...view.rows].sort((a, b) => collator.compare(a.name, b.name)), [view.rows]);
  const q = query.trim().toLowerCase();
  const matching = q ? sorted.filter((row) => row.name.toLowerCase().includes(q) || (row.address ?? '').toLowerCase().includes(q)) : sorted;
  const shown = matching.slice(0, limit);
  return (
    <>
      <div class="hq-actions">
        <input
          type="search"
          class="hq-registry__filter"
          placeholder={r.filter}
          aria-label={r.filter}
          value={query}
          onInput={(e) => {
            setQuery((e.target as HTMLInputElement).value);
            setLimit(PAGE);
          }}
          data-testid="registry-filter"
        />
        <span class="muted" data-testid="registry-showing">{r.showing(shown.length, sorted.length)}</span>
      </div>
      {matching.length === 0 ? (
        <p class="muted">{r.noMatch}</p>
      ) : (
        <table class="hq-table" data-testid="registry-table">
          <thead>
            <tr>
              <th scope="col">{t.col.name}</th>
              <th scope="col">{t.col.district}</th>
              <th scope="col">{t.col.status}</th>
              <th scope="col">{t.col.capacity}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <RegistryRow key={row.id} view={view} row={row} drafts={drafts.current} />
            ))}
          </tbody>
        </table>
      )}
      {matching.length > shown.length && (
        <button type="button" class="button" onClick={() => setLimit((n) => n + PAGE)} data-testid="registry-more">
          {r.showMore(Math.min(PAGE, matching.length - shown.length))}
        </button>
      )}
    </>
  );
}

function errorText(e: RegistryImportError, r: HqView['t']['registry']): string {
  return e.kind === 'empty' ? r.empty : e.kind === 'not-geojson' ? r.notGeojson : r.unknownFormat(e.header.join(', '));
}

function RegistryRow({ view, row, drafts }: { view: HqView; row: ShelterRow; drafts: Drafts }) {
  const { t, hq } = view;
  const r = t.registry;
  const draft = drafts.get(row.id);
  const [capacity, setCapacityState] = useState(draft?.capacity ?? String(row.capacity));
  const [area, setAreaState] = useState(draft?.area ?? '');
  const setCapacity = (v: string) => {
    setCapacityState(v);
    drafts.set(row.id, { ...drafts.get(row.id), capacity: v });
  };
  const setArea = (v: string) => {
    setAreaState(v);
    drafts.set(row.id, { ...drafts.get(row.id), area: v });
  };
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const save = () => {
    const parsed = parseCapacity(capacity);
    if (!parsed.ok) return setError(r.capacityError[parsed.error]);
    setError(null);
    void hq.transact((doc) => {
      setShelterCapacity(doc, row.id, parsed.value);
    }).then(() => {
      drafts.delete(row.id);
      setSaved(true);
    });
  };
  const compute = () => {
    const parsed = parseFloorArea(area);
    if (!parsed.ok) return setError(r.capacityError[parsed.error]);
    setError(null);
    setCapacity(String(capacityFromFloorArea(parsed.value)));
    setSaved(false);
  };
  const setStatus = (status: ShelterStatus) => {
    void shelterDocs(view.token).edit(row.id, (doc) => {
      setShelterStatus(doc, status, new Date());
    });
  };
  return (
    <tr data-shelter-id={row.id}>
      <th scope="row">
        {row.name}
        <br />
        <span class="muted">{row.address}</span>
        {(row.accepts || row.note) && (
          <>
            <br />
            <span class="muted" data-testid="registry-remarks">{[row.accepts, row.note].filter(Boolean).join(' · ')}</span>
          </>
        )}
      </th>
      <td>
        <select
          aria-label={`${row.name} ${t.col.district}`}
          value={row.districtId}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            void hq.transact((doc) => hqShelters(doc).get(row.id)?.set('districtId', v));
          }}
          data-testid="district-select"
        >
          <option value="">{r.noDistrict}</option>
          {view.districts.map((d) => (
            <option key={d.id} value={d.id}>{d.name}</option>
          ))}
        </select>
      </td>
      <td>
        <span class={`hq-chip hq-band--${row.band}`}>{t.shelterStatus[row.status]}</span>{' '}
        {row.status === 'closed' ? (
          <button type="button" class="button button--small" onClick={() => setStatus('open')} data-testid="shelter-open">{r.open}</button>
        ) : (
          <button type="button" class="button button--small" onClick={() => setStatus('closed')} data-testid="shelter-close">{r.close}</button>
        )}
      </td>
      <td class={`hq-capacity${error ? ' field--error' : ''}`}>
        <input
          aria-label={`${row.name} ${r.capacity}`}
          inputMode="numeric"
          value={capacity}
          size={6}
          onInput={(e) => {
            setCapacity((e.target as HTMLInputElement).value);
            setSaved(false);
          }}
          data-testid="capacity-input"
        />
        <button type="button" class="button button--small" onClick={save} data-testid="capacity-save">{r.saveCapacity}</button>
        {saved && <span class="muted"> {r.saved}</span>}
        <div class="hq-capacity__area">
          <input aria-label={`${row.name} ${r.floorArea}`} placeholder={r.floorArea} inputMode="decimal" value={area} size={8} onInput={(e) => setArea((e.target as HTMLInputElement).value)} data-testid="area-input" />
          <button type="button" class="button button--small" onClick={compute} title={r.areaHint} data-testid="area-compute">{r.fromArea}</button>
        </div>
        {error && <p class="field__error" role="alert">{error}</p>}
      </td>
    </tr>
  );
}
