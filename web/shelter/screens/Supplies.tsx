// Supplies: on hand per item (sum of the ledger), days of supply at the current headcount, and
// receive / hand out / adjust as ledger entries. Handing out more than is on hand asks first.
// The action is chosen anew for each item (a kept 配布 once recorded a delivery as a hand-out),
// a quantity may be typed in packs (本 of 2 L, 箱 of 24) and is stored in the base unit, and the
// entry reads with its sign and unit before it is saved.
import { useMemo, useState } from 'preact/hooks';
import { type LedgerError, appendLedgerEntry, packsToBase, supplyStatus, wouldGoNegative } from '../../../domain/stock';
import { shelterStock, type LedgerEntry, type LedgerReason } from '../../../domain/schema';
import { peopleServed } from '../../../domain/counts';
import { peopleTallyOf } from '../../../domain/people-tally';
import type { Result } from '../../../domain/result';
import { label } from '../../lib/i18n';
import { useDocVersion } from '../../lib/sync/use-synced';
import { parseWholeNumber } from '../../lib/forms';
import { Field } from '../../lib/ui/Field';
import { ConfirmDialog } from '../../lib/ui/ConfirmDialog';
import { newId } from '../../lib/ids';
import { shortDateTime } from '../../lib/format';
import { saveChange } from '../../lib/sync/synced-doc';
import { useShelter } from '../context';
import { AddItem } from './AddItem';

type Action = Extract<LedgerReason, 'received' | 'distributed' | 'adjusted'>;
const ACTIONS: Action[] = ['received', 'distributed', 'adjusted'];
const HISTORY = 15;

export function Supplies() {
  const { shelter, deviceLabel, t, c } = useShelter();
  const s = t.supplies;
  const version = useDocVersion(shelter);
  const now = new Date();
  const served = useMemo(() => peopleServed(peopleTallyOf(shelter.doc).tally(now)), [shelter, version]);
  const rows = useMemo(() => supplyStatus(shelter.doc, now, { served }), [shelter, version, served]);
  const history = useMemo(() => {
    // The ledger is append-only, so its tail is the latest entries (without sorting 50,000 rows).
    const stock = shelterStock(shelter.doc);
    return stock.slice(Math.max(0, stock.length - HISTORY)).reverse() as LedgerEntry[];
  }, [shelter, version]);
  const [item, setItem] = useState<string | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  /** -1: the base unit; else the index of the pack the quantity is typed in. */
  const [packIndex, setPackIndex] = useState(-1);
  const [qty, setQty] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [overdraw, setOverdraw] = useState<{ delta: number; have: number } | null>(null);
  const selected = rows.find((r) => r.item === (item ?? rows[0]?.item)) ?? null;
  const itemName = (id: string, stored: string) => label(c.items, id, stored);
  const actionLabel = (a: Action) => (a === 'received' ? s.receive : a === 'distributed' ? s.handOut : s.adjust);

  const unitName = (u: string) => label(c.units, u);
  const pack = selected && packIndex >= 0 ? (selected.packs[packIndex] ?? null) : null;
  const packLabel = (p: { unit: string; size: number }) => `${unitName(p.unit)} (${p.size} ${unitName(selected?.unit ?? '')})`;
  /** The entry as it will be recorded (sign and base unit), or null while the form is incomplete. */
  const delta = (() => {
    if (!selected || !action) return null;
    const parsed = parseWholeNumber(qty);
    if (!parsed.ok || parsed.value === 0) return null;
    if (action !== 'adjusted' && parsed.value < 0) return null;
    const base = pack ? packsToBase(parsed.value, pack.size) : parsed.value;
    if (base === null) return null;
    return action === 'distributed' ? -base : base;
  })();
  const signed = (d: number) => `${d > 0 ? '+' : '−'}${Math.abs(d)} ${unitName(selected?.unit ?? '')}`;
  const pickItem = (id: string) => {
    if (id !== selected?.item) {
      setAction(null);
      setPackIndex(-1);
      setQty('');
      setFlash(null);
    }
    setItem(id);
    setError(null);
  };

  const save = async (delta: number) => {
    if (!selected || !action) return;
    let result: Result<unknown, LedgerError> | null = null;
    const stored = await saveChange(shelter, (doc) => {
      result = appendLedgerEntry(doc, { item: selected.item, delta, reason: action, by: deviceLabel }, { now: new Date(), newId });
    });
    if (!stored) {
      setError(c.sync.storeFailed);
      return;
    }
    const r = result as Result<unknown, LedgerError> | null;
    if (r && !r.ok) {
      setError(t.errors[r.error.code] ?? r.error.code);
      return;
    }
    setQty('');
    setError(null);
    setFlash(`${s.recorded}: ${actionLabel(action)} ${itemName(selected.item, selected.name)} ${signed(delta)}`);
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    setFlash(null);
    if (!selected) return;
    if (!action) {
      setError(s.chooseAction);
      return;
    }
    const parsed = parseWholeNumber(qty);
    if (!parsed.ok) {
      setError(t.errors[parsed.error]);
      return;
    }
    if (action !== 'adjusted' && parsed.value <= 0) {
      setError(t.errors['not-a-positive-integer']);
      return;
    }
    if (delta === null) {
      setError(t.errors['not-a-positive-integer']);
      return;
    }
    if (action === 'distributed' && wouldGoNegative(shelter.doc, selected.item, delta)) {
      setOverdraw({ delta, have: selected.onHand });
      return;
    }
    void save(delta);
  };

  return (
    <div class="supplies split">
      <section class="split__main">
        <h2>{s.title}</h2>
        <p class="muted">{s.served(served)}</p>
        <table class="table table--touch" data-testid="supplies-table">
          <thead>
            <tr>
              <th>{s.item}</th>
              <th class="num">{s.onHand}</th>
              <th class="num">{s.perPerson}</th>
              <th class="num">{s.daysLeft}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.item}
                class={`${r.negative ? 'row--negative' : r.low ? 'row--low' : ''} ${selected?.item === r.item ? 'row--selected' : ''}`}
                onClick={() => pickItem(r.item)}
                data-item={r.item}
              >
                <td>
                  <button type="button" class="link-button">
                    {itemName(r.item, r.name)}
                  </button>
                </td>
                <td class="num" data-testid={`on-hand-${r.item}`}>
                  {r.onHand} <span class="unit">{label(c.units, r.unit)}</span>
                </td>
                <td class="num">{r.perPersonPerDay ?? s.noRate}</td>
                <td class="num">
                  {r.daysLeft === null ? s.noRate : r.daysLeft.toFixed(1)}
                  {r.negative ? (
                    <span class="badge badge--danger" data-testid={`negative-${r.item}`} title={s.negativeHelp}>
                      {s.negative}
                    </span>
                  ) : (
                    r.low && <span class="badge badge--warn">{s.low}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <aside class="split__side">
        {selected && (
          <form class="panel" onSubmit={onSubmit} noValidate>
            <h3 data-testid="ledger-item">{itemName(selected.item, selected.name)}</h3>
            <p class="muted" id="ledger-action-help">{s.chooseAction}</p>
            <div class="segmented" role="radiogroup" aria-describedby="ledger-action-help" data-testid="ledger-actions">
              {ACTIONS.map((a) => (
                <button
                  type="button"
                  key={a}
                  role="radio"
                  aria-checked={a === action}
                  onClick={() => {
                    setAction(a);
                    setError(null);
                  }}
                  data-action={a}
                >
                  {actionLabel(a)}
                </button>
              ))}
            </div>
            {selected.packs.length > 0 && (
              <label class="ledger-pack">
                {s.countIn}{' '}
                <select value={String(packIndex)} onChange={(e) => setPackIndex(Number((e.target as HTMLSelectElement).value))} data-testid="ledger-pack">
                  <option value="-1">{unitName(selected.unit)}</option>
                  {selected.packs.map((p, i) => (
                    <option key={i} value={String(i)}>
                      {packLabel(p)}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <Field id="ledger-qty" label={`${s.quantity} (${pack ? packLabel(pack) : unitName(selected.unit)})`} error={error} hint={action === 'adjusted' ? s.adjustHelp : undefined}>
              <input
                id="ledger-qty"
                inputMode={action === 'adjusted' ? 'text' : 'numeric'}
                autocomplete="off"
                value={qty}
                onInput={(e) => setQty((e.target as HTMLInputElement).value)}
                aria-invalid={error ? true : undefined}
              />
            </Field>
            {delta !== null && action && (
              <p class={`ledger-preview ledger-preview--${delta > 0 ? 'in' : 'out'}`} data-testid="ledger-preview" aria-live="polite">
                {actionLabel(action)}: {itemName(selected.item, selected.name)} <strong>{signed(delta)}</strong>
                {pack && ` (${qty.trim()} ${unitName(pack.unit)} × ${pack.size} ${unitName(selected.unit)})`}
              </p>
            )}
            <button
              type="submit"
              class={`button button--block ${action === 'distributed' ? 'button--danger' : 'button--primary'}`}
              data-testid="ledger-record"
            >
              {action && delta !== null ? s.recordAs(actionLabel(action), signed(delta)) : s.record}
            </button>
            {flash && (
              <p class="flash" role="status" data-testid="ledger-flash">
                {flash}
              </p>
            )}
          </form>
        )}
        <AddItem onAdded={(id) => pickItem(id)} />
        <h3>{s.history}</h3>
        {history.length === 0 ? (
          <p class="muted">{s.noHistory}</p>
        ) : (
          <ul class="plain-list history">
            {history.map((e) => (
              <li key={e.id}>
                <span class="muted">{shortDateTime(e.at)}</span> {itemName(e.item, rows.find((r) => r.item === e.item)?.name ?? e.item)}{' '}
                {e.delta > 0 ? '+' : ''}
                {e.delta} ({label(c.ledgerReasons, e.reason)})
              </li>
            ))}
          </ul>
        )}
      </aside>
      {overdraw && selected && (
        <ConfirmDialog
          onCancel={() => setOverdraw(null)}
          onConfirm={() => {
            const d = overdraw.delta;
            setOverdraw(null);
            void save(d);
          }}
        >
          {s.confirmOverdraw(itemName(selected.item, selected.name), overdraw.have, -overdraw.delta)}
        </ConfirmDialog>
      )}
    </div>
  );
}
