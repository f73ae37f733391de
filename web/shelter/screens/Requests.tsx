// Requests to HQ: item and quantity, and the status HQ gives them. A request the server has not
// yet confirmed storing is "not sent": HQ cannot see it, and the tablet must not pretend otherwise.
import { useMemo, useState } from 'preact/hooks';
import { type RequestErrors, createRequest, readRequests, requestAmount, requestOrigin } from '../../../domain/requests';
import { readItems } from '../../../domain/stock';
import type { Result } from '../../../domain/result';
import { label } from '../../lib/i18n';
import { useDocVersion } from '../../lib/sync/use-synced';
import { parseWholeNumber } from '../../lib/forms';
import { Field } from '../../lib/ui/Field';
import { newId } from '../../lib/ids';
import { shortDateTime } from '../../lib/format';
import { saveChange } from '../../lib/sync/synced-doc';
import { Flash, type FlashMessage } from '../../lib/ui/Flash';
import { useShelter } from '../context';

export function Requests() {
  const { shelter, t, c } = useShelter();
  const r = t.requests;
  const version = useDocVersion(shelter);
  const items = useMemo(() => readItems(shelter.doc), [shelter, version]);
  const requests = useMemo(() => readRequests(shelter.doc).reverse(), [shelter, version]);
  const [item, setItem] = useState('');
  const [qty, setQty] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [flash, setFlash] = useState<FlashMessage | null>(null);
  const itemName = (id: string) => label(c.items, id, items.find((i) => i.id === id)?.name);
  const chosen = item || items[0]?.id || '';
  const unsent = (id: string) => {
    const origin = requestOrigin(shelter.doc, id);
    return origin !== null && !shelter.isStored(origin);
  };

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setFlash(null);
    const parsed = parseWholeNumber(qty);
    if (!parsed.ok) {
      setErrors({ quantity: t.errors[parsed.error] });
      return;
    }
    let result: Result<unknown, RequestErrors> | null = null;
    const stored = await saveChange(shelter, (doc) => {
      result = createRequest(doc, { item: chosen, quantity: parsed.value, note }, { now: new Date(), newId });
    });
    if (!stored) {
      setFlash({ text: c.sync.storeFailed, error: true });
      return;
    }
    const res = result as Result<unknown, RequestErrors> | null;
    if (res && !res.ok) {
      setErrors(Object.fromEntries(Object.entries(res.error).map(([k, v]) => [k, t.errors[v as string] ?? String(v)])));
      return;
    }
    setErrors({});
    setQty('');
    setNote('');
    setFlash({ text: r.created });
  };

  return (
    <div class="requests split">
      <section class="split__side">
        <form class="panel" onSubmit={onSubmit} noValidate>
          <h2>{r.title}</h2>
          <Field id="request-item" label={r.item} error={errors.item}>
            <select id="request-item" value={chosen} onChange={(e) => setItem((e.target as HTMLSelectElement).value)}>
              {items.map((i) => (
                <option key={i.id} value={i.id}>
                  {itemName(i.id)} ({label(c.units, i.unit)})
                </option>
              ))}
            </select>
          </Field>
          <Field id="request-qty" label={r.quantity} error={errors.quantity}>
            <input id="request-qty" inputMode="numeric" autocomplete="off" value={qty} onInput={(e) => setQty((e.target as HTMLInputElement).value)} />
          </Field>
          <Field id="request-note" label={r.note} error={errors.note}>
            <input id="request-note" value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
          </Field>
          <button type="submit" class="button button--primary button--block" data-testid="request-create">
            {r.create}
          </button>
          <Flash message={flash} />
        </form>
      </section>
      <section class="split__main">
        <h2>{r.list}</h2>
        {requests.length === 0 ? (
          <p class="muted">{r.none}</p>
        ) : (
          <table class="table table--touch" data-testid="requests-table">
            <tbody>
              {requests.map((q) => (
                <tr key={q.id}>
                  <td>{itemName(q.item)}</td>
                  <td class="num" data-testid="request-amount">{requestAmount(q, (u) => label(c.units, u))}</td>
                  <td>
                    {unsent(q.id) ? (
                      <span class="badge badge--unsent" data-testid="request-status" data-status="unsent" title={r.unsentHelp}>
                        {r.unsent}
                      </span>
                    ) : (
                      <span class={`badge badge--${q.status}`} data-testid="request-status" data-status={q.status}>
                        {label(c.requestStatuses, q.status)}
                      </span>
                    )}
                  </td>
                  <td class="muted">{r.createdAt(shortDateTime(q.createdAt))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
