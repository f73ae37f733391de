// Every open supply request across shelters, from the overview stream (no shelter document is
// loaded to list them). Acknowledge / delivered opens that one shelter's document, changes the
// request through domain/requests.ts, and the tablet sees it on its next sync.
import { useState } from 'preact/hooks';
import { shortDateTime } from '../lib/format';
import { requestAmount, setRequestStatus } from '../../domain/requests';
import type { RequestStatus, SupplyRequest } from '../../domain/schema';
import type { HqView } from './context';
import { shelterDocs } from './shelter-docs';
import { itemLabel } from './popup';

interface Line {
  shelterId: string;
  shelterName: string;
  request: SupplyRequest;
}

export function RequestsTab({ view }: { view: HqView }) {
  const { t } = view;
  const [busy, setBusy] = useState<Record<string, 'sending' | 'failed'>>({});
  const lines: Line[] = view.rows
    .flatMap((row) => row.openRequests.map((request) => ({ shelterId: row.id, shelterName: row.name, request })))
    .sort((a, b) => (a.request.createdAt < b.request.createdAt ? -1 : 1));
  // Delivered and cancelled, newest first: what reached whom, for the hand-over at shift change.
  const closedAt = (l: Line) => l.request.updatedAt ?? l.request.createdAt;
  const history: Line[] = view.rows
    .flatMap((row) => row.closedRequests.map((request) => ({ shelterId: row.id, shelterName: row.name, request })))
    .sort((a, b) => (closedAt(a) < closedAt(b) ? 1 : -1));

  const change = async (line: Line, status: RequestStatus) => {
    const key = line.request.id;
    setBusy((b) => ({ ...b, [key]: 'sending' }));
    let ok = false;
    await shelterDocs(view.token).edit(line.shelterId, (doc) => {
      ok = setRequestStatus(doc, line.request.id, status, new Date()).ok;
    });
    setBusy(({ [key]: _, ...rest }) => (ok ? rest : { ...rest, [key]: 'failed' }));
  };

  return (
    <div class="hq-page">
      <h2>{t.requests.heading}</h2>
      {lines.length === 0 ? (
        <p class="muted" data-testid="requests-none">{t.requests.none}</p>
      ) : (
        <table class="hq-table" data-testid="requests-table">
          <thead>
            <tr>
              <th scope="col">{t.requests.col.createdAt}</th>
              <th scope="col">{t.requests.col.shelter}</th>
              <th scope="col">{t.requests.col.item}</th>
              <th scope="col">{t.requests.col.quantity}</th>
              <th scope="col">{t.requests.col.note}</th>
              <th scope="col">{t.requests.col.status}</th>
              <th scope="col"><span class="visually-hidden">{t.actionsColumn}</span></th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.request.id} data-request-id={l.request.id} data-status={l.request.status}>
                <td>{shortDateTime(l.request.createdAt)}</td>
                <td>{l.shelterName}</td>
                <td>{itemLabel(l.request.item, view.c)}</td>
                <td class="num" data-testid="request-amount">{requestAmount(l.request, (u) => view.c.units[u] ?? u)}</td>
                <td>{l.request.note}</td>
                <td>{view.c.requestStatuses[l.request.status]}</td>
                <td>
                  <div class="hq-actions hq-actions--tight">
                  {busy[l.request.id] === 'sending' ? (
                    <span class="muted">{t.requests.sending}</span>
                  ) : (
                    <>
                      {l.request.status === 'open' && (
                        <button type="button" class="button button--small" onClick={() => void change(l, 'acknowledged')} data-testid="request-ack">
                          {t.requests.acknowledge}
                        </button>
                      )}
                      {/* open → acknowledged → delivered (domain/requests.ts): delivery follows acknowledgement */}
                      {l.request.status === 'acknowledged' && (
                        <button type="button" class="button button--small button--primary" onClick={() => void change(l, 'delivered')} data-testid="request-deliver">
                          {t.requests.deliver}
                        </button>
                      )}
                      {busy[l.request.id] === 'failed' && <span class="field__error"> {t.requests.failed}</span>}
                    </>
                  )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t.requests.history}</h3>
      {history.length === 0 ? (
        <p class="muted">{t.requests.noHistory}</p>
      ) : (
        <table class="hq-table" data-testid="requests-history">
          <thead>
            <tr>
              <th scope="col">{t.requests.closedAt}</th>
              <th scope="col">{t.requests.col.shelter}</th>
              <th scope="col">{t.requests.col.item}</th>
              <th scope="col">{t.requests.col.quantity}</th>
              <th scope="col">{t.requests.col.status}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((l) => (
              <tr key={l.request.id} data-request-id={l.request.id} data-status={l.request.status}>
                <td>{shortDateTime(l.request.updatedAt ?? l.request.createdAt)}</td>
                <td>{l.shelterName}</td>
                <td>{itemLabel(l.request.item, view.c)}</td>
                <td class="num">{requestAmount(l.request, (u) => view.c.units[u] ?? u)}</td>
                <td>{view.c.requestStatuses[l.request.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
