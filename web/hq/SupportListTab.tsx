// The 避難行動要支援者名簿 at HQ's desk. Upload the city's CSV (a preview first: which column is
// which, how many, which rows are unusable and why); sealed, it shows counts only. Opened for a
// disaster (with a reason), it lists every person with their status — in a shelter (and where,
// with the match's confidence: confirm or reject it), reported by a supporter, confirmed by HQ,
// or unaccounted for — and prints or exports the unaccounted of a district by address for the
// volunteers who knock on doors. Every open, view, export and decision is in the audit log.
// Names never reach the wall (the board shows counts) nor this device's storage.
import { useEffect, useState } from 'preact/hooks';
import { SUPPORT_STATUSES, type SupportStatus } from '../../domain/support-list';
import { shortDateTime } from '../lib/format';
import { ConfirmDialog } from '../lib/ui/ConfirmDialog';
import type { HqView } from './context';
import { FileButton } from './FileButton';

interface Counts {
  id: string;
  name: string;
  total: number;
  inShelter: number;
  reported: number;
  confirmed: number;
  unaccounted: number;
}

interface Listed {
  id: string;
  name: string;
  kana: string;
  district: string;
  status: SupportStatus;
  birthDate: string | null;
  address: string;
  phone: string;
  reason: string;
  supporters: string;
  shelterName: string | null;
  match: { shelterId: string; personId: string; confidence: 'high' | 'medium'; present: boolean } | null;
  decisions: { confirmation?: { by: string; at: string; where: string; method: string } | null; report?: { by: string; at: string; note: string | null } | null };
}

interface Status {
  sealed: boolean;
  uploadedAt: string | null;
  total: number;
  opened: { at: string; by: string; reason: string } | null;
  districts: Counts[];
  people?: Listed[];
}

interface Preview {
  total: number;
  added: number;
  updated: number;
  unchanged: number;
  encoding: string;
  mapping: Record<string, string>;
  bad: { line: number; problem: string; value?: string }[];
}

export function CountsBar({ c }: { c: Pick<Counts, 'total' | 'inShelter' | 'reported' | 'confirmed' | 'unaccounted'> }) {
  const pct = (n: number) => `${c.total ? (n / c.total) * 100 : 0}%`;
  return (
    <div class="hq-support-bar" aria-hidden="true">
      <span class="hq-support-bar__confirmed" style={{ width: pct(c.confirmed) }} />
      <span class="hq-support-bar__shelter" style={{ width: pct(c.inShelter) }} />
      <span class="hq-support-bar__reported" style={{ width: pct(c.reported) }} />
      <span class="hq-support-bar__unaccounted" style={{ width: pct(c.unaccounted) }} />
    </div>
  );
}

export function SupportListTab({ view }: { view: HqView }) {
  const { t, token } = view;
  const s = t.support;
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<ArrayBuffer | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [district, setDistrict] = useState('');
  const [filter, setFilter] = useState<SupportStatus | ''>('unaccounted');
  const [confirming, setConfirming] = useState<string | null>(null);
  const [form, setForm] = useState({ where: '', method: 'phone', by: '' });
  const [deleting, setDeleting] = useState(false);
  const [printing, setPrinting] = useState(false);
  const auth = { Authorization: `Bearer ${token}` };

  const load = async () => {
    try {
      const res = await fetch('/api/hq/support-list/status', { headers: auth, cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      setStatus((await res.json()) as Status);
      setError(null);
    } catch {
      setError(s.offline);
    }
  };
  useEffect(() => {
    void load();
    const id = setInterval(() => void load(), 15_000);
    return () => clearInterval(id);
  }, []);
  // A shelter's summary changed (a check-in): the statuses may have moved; ask again shortly.
  useEffect(() => {
    const id = setTimeout(() => void load(), 700);
    return () => clearTimeout(id);
  }, [view.overview.receivedAt]);
  useEffect(() => {
    if (!printing) return;
    const done = () => setPrinting(false);
    window.addEventListener('afterprint', done);
    window.print();
    return () => window.removeEventListener('afterprint', done);
  }, [printing]);

  const send = async (path: string, body: unknown) => {
    const res = await fetch(path, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).catch(() => null);
    if (!res?.ok) setMessage(s.failed);
    await load();
    return res?.ok ?? false;
  };

  const onFile = async (f: File) => {
    setMessage(null);
    const bytes = await f.arrayBuffer();
    setFile(bytes);
    const res = await fetch('/api/hq/support-list?preview=1', { method: 'POST', headers: { ...auth, 'Content-Type': 'text/csv' }, body: bytes }).catch(() => null);
    if (!res) return setMessage(s.failed);
    const body = (await res.json()) as Preview & { error?: string; columns?: string[] };
    if (!res.ok) {
      setPreview(null);
      return setMessage(body.error === 'missing-columns' ? s.missingColumns((body.columns ?? []).map((c) => s.fields[c] ?? c).join('、')) : s.unreadable);
    }
    setPreview(body);
  };

  const apply = async () => {
    if (!file) return;
    const res = await fetch('/api/hq/support-list', { method: 'POST', headers: { ...auth, 'Content-Type': 'text/csv' }, body: file }).catch(() => null);
    if (!res?.ok) return setMessage(s.failed);
    const body = (await res.json()) as Preview & { removed: number };
    setMessage(s.uploaded(body.total, body.added, body.updated, body.removed));
    setPreview(null);
    setFile(null);
    await load();
  };

  const download = async (path: string, name: string) => {
    const res = await fetch(path, { headers: auth }).catch(() => null);
    if (!res?.ok) return setMessage(s.failed);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await res.blob());
    a.download = name;
    a.click();
    URL.revokeObjectURL(a.href);
    void load();
  };

  const people = (status?.people ?? []).filter((p) => (!district || p.district === district) && (!filter || p.status === filter));
  const doorToDoor = (status?.people ?? []).filter((p) => p.status === 'unaccounted' && (!district || p.district === district));
  const districtName = (id: string) => status?.districts.find((d) => d.id === id)?.name ?? id;

  return (
    <div class="hq-page hq-support">
      <h2>{s.heading}</h2>
      <p class="muted">{s.hint}</p>
      {error && <p class="flash flash--error" role="alert">{error}</p>}
      {message && <p class="flash" role="status" data-testid="support-message">{message}</p>}

      <div class="hq-actions">
        <FileButton label={s.upload} accept=".csv,text/csv" testId="support-file" onFile={onFile} />
        <label>
          {s.district}{' '}
          <select value={district} onChange={(e) => setDistrict((e.target as HTMLSelectElement).value)} data-testid="support-district">
            <option value="">{s.allDistricts}</option>
            {view.districts.map((d) => (
              <option key={d.id} value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
        {status && status.total > 0 && (
          <button type="button" class="button button--small" onClick={() => void download(`/api/hq/support-list/consenting.csv${district ? `?district=${district}` : ''}`, `平常時提供_${district ? districtName(district) : '全地区'}.csv`)} data-testid="support-consenting">
            {s.consenting}
          </button>
        )}
      </div>

      {preview && (
        <section class="hq-preview" data-testid="support-preview">
          <h3>{s.previewHeading}</h3>
          <p>{s.previewCounts(preview.total, preview.added, preview.updated, preview.unchanged, preview.bad.length)} · {preview.encoding}</p>
          <table class="hq-table">
            <tbody>
              {Object.entries(preview.mapping).map(([field, header]) => (
                <tr key={field}>
                  <th scope="row">{s.fields[field] ?? field}</th>
                  <td>{header}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {preview.bad.length > 0 && (
            <ul class="hq-bad-rows" data-testid="support-bad-rows">
              {preview.bad.map((b) => (
                <li key={b.line}>
                  {s.line(b.line)}: {s.problems[b.problem] ?? b.problem}
                  {b.value && <code> {b.value}</code>}
                </li>
              ))}
            </ul>
          )}
          <div class="hq-actions">
            <button type="button" class="button" onClick={() => setPreview(null)}>{s.cancel}</button>
            <button type="button" class="button button--primary" onClick={() => void apply()} disabled={preview.total === 0} data-testid="support-apply">
              {s.apply}
            </button>
          </div>
        </section>
      )}

      {status && status.total === 0 && !preview && <p class="muted" data-testid="support-none">{s.none}</p>}
      {status && status.total > 0 && (
        <>
          <div class={status.sealed ? 'hq-support-seal' : 'hq-support-seal hq-support-seal--open'} data-testid="support-seal" data-sealed={status.sealed ? 'true' : 'false'}>
            {status.sealed ? (
              <>
                <strong>{s.sealed(status.total)}</strong>
                <label>
                  {s.reason}{' '}
                  <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} data-testid="support-reason" />
                </label>
                <button type="button" class="button button--primary" disabled={reason.trim().length < 2} onClick={() => void send('/api/hq/support-list/open', { reason }).then((ok) => ok && setReason(''))} data-testid="support-open">
                  {s.open}
                </button>
              </>
            ) : (
              <>
                <strong>{s.opened(shortDateTime(status.opened!.at), status.opened!.by, status.opened!.reason)}</strong>
                <button type="button" class="button" onClick={() => void send('/api/hq/support-list/close', {})} data-testid="support-close">
                  {s.close}
                </button>
              </>
            )}
            <button type="button" class="button button--small" onClick={() => setDeleting(true)} data-testid="support-delete">
              {s.delete}
            </button>
          </div>

          <table class="hq-table" data-testid="support-counts">
            <thead>
              <tr>
                <th scope="col">{s.district}</th>
                <th scope="col" class="num">{s.total}</th>
                {SUPPORT_STATUSES.map((st) => (
                  <th scope="col" class="num" key={st}>{s.statuses[st]}</th>
                ))}
                <th scope="col">{s.progress}</th>
              </tr>
            </thead>
            <tbody>
              {status.districts.map((d) => (
                <tr key={d.id} data-district={d.id}>
                  <td>{d.name}</td>
                  <td class="num">{d.total}</td>
                  <td class="num">{d.inShelter}</td>
                  <td class="num">{d.reported}</td>
                  <td class="num">{d.confirmed}</td>
                  <td class="num" data-testid="support-unaccounted">{d.unaccounted}</td>
                  <td><CountsBar c={d} /></td>
                </tr>
              ))}
            </tbody>
          </table>

          {!status.sealed && (
            <>
              <div class="hq-actions">
                <label>
                  {s.show}{' '}
                  <select value={filter} onChange={(e) => setFilter((e.target as HTMLSelectElement).value as SupportStatus | '')} data-testid="support-filter">
                    <option value="">{s.all}</option>
                    {SUPPORT_STATUSES.map((st) => (
                      <option key={st} value={st}>{s.statuses[st]}</option>
                    ))}
                  </select>
                </label>
                <button type="button" class="button button--small" disabled={doorToDoor.length === 0} onClick={() => setPrinting(true)} data-testid="support-print">
                  {s.print}
                </button>
                <button type="button" class="button button--small" onClick={() => void download(`/api/hq/support-list/unaccounted.csv${district ? `?district=${district}` : ''}`, `所在未確認_${district ? districtName(district) : '全地区'}.csv`)} data-testid="support-export">
                  {s.export}
                </button>
              </div>
              <table class="hq-table" data-testid="support-people">
                <thead>
                  <tr>
                    <th scope="col">{s.col.status}</th>
                    <th scope="col">{s.col.name}</th>
                    <th scope="col">{s.col.address}</th>
                    <th scope="col">{s.col.phone}</th>
                    <th scope="col">{s.col.reason}</th>
                    <th scope="col">{s.col.where}</th>
                    <th scope="col">{s.col.action}</th>
                  </tr>
                </thead>
                <tbody>
                  {people.map((p) => (
                    <tr key={p.id} data-person={p.id} data-status={p.status}>
                      <td><span class={`hq-support-status hq-support-status--${p.status}`}>{s.statuses[p.status]}</span></td>
                      <td>
                        {p.name}
                        <div class="muted">{p.kana} {p.birthDate ?? ''}</div>
                      </td>
                      <td>{districtName(p.district)} {p.address}</td>
                      <td>{p.phone && <a href={`tel:${p.phone}`}>{p.phone}</a>}</td>
                      <td>{p.reason}</td>
                      <td>
                        {p.match && (
                          <>
                            {p.shelterName} ({s.confidence[p.match.confidence]}{p.match.present ? '' : `・${s.left}`})
                          </>
                        )}
                        {p.decisions.confirmation && `${p.decisions.confirmation.where}(${s.methods[p.decisions.confirmation.method] ?? ''} ${p.decisions.confirmation.by})`}
                        {p.status === 'reported' && p.decisions.report && `${p.decisions.report.by}: ${p.decisions.report.note ?? ''}`}
                      </td>
                      <td>
                        <div class="hq-actions hq-actions--tight">
                          {p.match && p.status === 'in-shelter' && (
                            <>
                              <button type="button" class="button button--small" onClick={() => void send(`/api/hq/support-list/people/${encodeURIComponent(p.id)}/match`, { shelterId: p.match!.shelterId, personId: p.match!.personId, decision: 'confirm' })} data-testid="support-match-confirm">
                                {s.matchConfirm}
                              </button>
                              <button type="button" class="button button--small" onClick={() => void send(`/api/hq/support-list/people/${encodeURIComponent(p.id)}/match`, { shelterId: p.match!.shelterId, personId: p.match!.personId, decision: 'reject' })} data-testid="support-match-reject">
                                {s.matchReject}
                              </button>
                            </>
                          )}
                          {p.status !== 'confirmed' && (
                            <button type="button" class="button button--small button--primary" onClick={() => setConfirming(p.id)} data-testid="support-confirm">
                              {s.confirm}
                            </button>
                          )}
                        </div>
                        {confirming === p.id && (
                          <form
                            class="hq-support-confirm"
                            onSubmit={(e) => {
                              e.preventDefault();
                              void send(`/api/hq/support-list/people/${encodeURIComponent(p.id)}/confirm`, form).then((ok) => ok && setConfirming(null));
                            }}
                          >
                            <select value={form.method} onChange={(e) => setForm({ ...form, method: (e.target as HTMLSelectElement).value })} aria-label={s.method}>
                              {Object.entries(s.methods).map(([k, v]) => (
                                <option key={k} value={k}>{v}</option>
                              ))}
                            </select>
                            <input value={form.where} placeholder={s.wherePlaceholder} aria-label={s.col.where} onInput={(e) => setForm({ ...form, where: (e.target as HTMLInputElement).value })} data-testid="support-confirm-where" />
                            <input value={form.by} placeholder={s.byPlaceholder} aria-label={s.by} onInput={(e) => setForm({ ...form, by: (e.target as HTMLInputElement).value })} />
                            <button type="submit" class="button button--small button--primary" disabled={!form.where.trim()} data-testid="support-confirm-save">{s.save}</button>
                          </form>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {printing && (
                <section class="hq-print-sheet" data-testid="support-print-sheet">
                  <h2>{s.printHeading(district ? districtName(district) : s.allDistricts)}</h2>
                  <p>{s.printNote(shortDateTime(new Date().toISOString()))}</p>
                  <table>
                    <thead>
                      <tr>
                        <th>{s.col.address}</th>
                        <th>{s.col.name}</th>
                        <th>{s.col.phone}</th>
                        <th>{s.col.reason}</th>
                        <th>{s.printResult}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {doorToDoor.map((p) => (
                        <tr key={p.id}>
                          <td>{districtName(p.district)} {p.address}</td>
                          <td>{p.name}（{p.kana}）</td>
                          <td>{p.phone}</td>
                          <td>{p.reason}</td>
                          <td>□ {s.statuses.confirmed} □ {s.absent}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
              )}
            </>
          )}
        </>
      )}
      {deleting && (
        <ConfirmDialog
          confirmLabel={s.delete}
          onCancel={() => setDeleting(false)}
          onConfirm={() => {
            setDeleting(false);
            void fetch('/api/hq/support-list', { method: 'DELETE', headers: auth }).then(load);
          }}
        >
          {s.deleteConfirm}
        </ConfirmDialog>
      )}
    </div>
  );
}
