// Residents' requests for help (SOS), open ones first: how many people, why, where (a link to
// the place on the map), a phone and a name when given, the note, and the history of states
// with who and when. HQ moves each through 対応中 to 救助済み (or 取消), with a note.
import { useState } from 'preact/hooks';
import { SOS_STATES, type SosRecord, type SosState } from '../../domain/sos';
import { shortDateTime } from '../lib/format';
import type { HqView } from './context';

export function SosTab({ view }: { view: HqView }) {
  const { t } = view;
  const s = t.sos;
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [failed, setFailed] = useState<string | null>(null);
  const open = view.sos.items.filter((x) => x.state === 'received' || x.state === 'in-progress');
  const closed = view.sos.items.filter((x) => x.state === 'rescued' || x.state === 'cancelled');
  const change = async (x: SosRecord, state: SosState) => {
    const ok = await view.sos.setState(x.id, state, notes[x.id] ?? '');
    setFailed(ok ? null : x.id);
    if (ok) setNotes(({ [x.id]: _, ...rest }) => rest);
  };
  const row = (x: SosRecord) => (
    <tr key={x.id} data-sos-id={x.id} data-state={x.state}>
      <td>{shortDateTime(x.createdAt)}</td>
      <td>
        <span class={`hq-sos-state hq-sos-state--${x.state}`}>{s.states[x.state]}</span>
      </td>
      <td class="num">{x.people}</td>
      <td>{x.reasons.map((r) => s.reasons[r] ?? r).join('・')}</td>
      <td>
        <a href={`#/map`} onClick={() => view.focusSos?.(x.id)} data-testid="sos-locate">
          {x.lat.toFixed(5)}, {x.lon.toFixed(5)}
        </a>
      </td>
      <td>
        {x.name ?? '—'}
        {x.phone && <div><a href={`tel:${x.phone}`}>{x.phone}</a></div>}
      </td>
      <td>
        {x.note ?? ''}
        <ul class="hq-sos-history">
          {x.history.slice(1).map((h, i) => (
            <li key={i}>
              {shortDateTime(h.at)} {s.states[h.state]} {h.by ? `(${h.by})` : ''} {h.note ?? ''}
            </li>
          ))}
        </ul>
      </td>
      <td>
        {(x.state === 'received' || x.state === 'in-progress') && (
          <div class="hq-actions hq-actions--tight">
            <input
              class="hq-sos-note"
              aria-label={s.note}
              placeholder={s.note}
              value={notes[x.id] ?? ''}
              onInput={(e) => setNotes((n) => ({ ...n, [x.id]: (e.target as HTMLInputElement).value }))}
            />
            {x.state === 'received' && (
              <button type="button" class="button button--small button--primary" onClick={() => void change(x, 'in-progress')} data-testid="sos-take">
                {s.take}
              </button>
            )}
            <button type="button" class="button button--small" onClick={() => void change(x, 'rescued')} data-testid="sos-rescued">
              {s.rescued}
            </button>
            <button type="button" class="button button--small" onClick={() => void change(x, 'cancelled')} data-testid="sos-cancelled">
              {s.cancel}
            </button>
          </div>
        )}
        {failed === x.id && <p class="flash flash--error" role="alert">{s.failed}</p>}
      </td>
    </tr>
  );
  const head = (
    <thead>
      <tr>
        <th scope="col">{s.col.at}</th>
        <th scope="col">{s.col.state}</th>
        <th scope="col">{s.col.people}</th>
        <th scope="col">{s.col.reasons}</th>
        <th scope="col">{s.col.place}</th>
        <th scope="col">{s.col.contact}</th>
        <th scope="col">{s.col.note}</th>
        <th scope="col">{s.col.action}</th>
      </tr>
    </thead>
  );
  return (
    <div class="hq-page">
      <h2>{s.heading}</h2>
      <p class="muted">{s.hint}</p>
      {view.sos.error && <p class="flash flash--error" role="alert">{s.offline}</p>}
      {open.length === 0 ? (
        <p class="muted" data-testid="sos-none">{s.none}</p>
      ) : (
        <table class="hq-table" data-testid="sos-table">
          {head}
          <tbody>{open.map(row)}</tbody>
        </table>
      )}
      {closed.length > 0 && (
        <>
          <h3>{s.resolved}</h3>
          <table class="hq-table" data-testid="sos-resolved">
            {head}
            <tbody>{closed.map(row)}</tbody>
          </table>
        </>
      )}
      <p class="muted">{s.retention}</p>
    </div>
  );
}

export const SOS_STATE_ORDER = SOS_STATES;
