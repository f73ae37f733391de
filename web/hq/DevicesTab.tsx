// Enrolled devices, and revoking a lost one (POST /api/hq/revoke): the server closes its
// connections at once and refuses it from then on. Needs the server, so it says so offline.
import { useEffect, useState } from 'preact/hooks';
import { ConfirmDialog } from '../lib/ui/ConfirmDialog';
import { shortDateTime } from '../lib/format';
import type { HqView } from './context';
import type { DeviceRecord } from '../../domain/tokens';
import { DeviceEnrol } from './DeviceEnrol';

export function DevicesTab({ view, ownJti }: { view: HqView; ownJti: string }) {
  const { t } = view;
  const d = t.devices;
  const [devices, setDevices] = useState<DeviceRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<DeviceRecord | null>(null);
  const auth = { Authorization: `Bearer ${view.token}` };

  const load = async () => {
    try {
      const res = await fetch('/api/hq/devices', { headers: auth, cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      setDevices(((await res.json()) as { devices: DeviceRecord[] }).devices);
      setError(null);
    } catch {
      setError(d.offline);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const revoke = async (jti: string) => {
    try {
      const res = await fetch('/api/hq/revoke', { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ jti }) });
      if (!res.ok) throw new Error(String(res.status));
      await load();
    } catch {
      setError(d.failed);
    }
  };

  const names = new Map(view.rows.map((r) => [r.id, r.name]));
  const now = view.now.getTime();
  const label = (x: DeviceRecord) => x.device || d.unnamed;
  const sorted = [...(devices ?? [])].sort((a, b) => (a.issuedAt < b.issuedAt ? 1 : -1));
  return (
    <div class="hq-page">
      <h2>{d.heading}</h2>
      <p class="muted">{d.hint}</p>
      <DeviceEnrol view={view} onIssued={() => void load()} />
      {error && <p class="flash flash--error" role="alert">{error}</p>}
      {devices && devices.length === 0 && <p class="muted">{d.none}</p>}
      {sorted.length > 0 && (
        <table class="hq-table" data-testid="devices-table">
          <thead>
            <tr>
              <th scope="col">{d.col.device}</th>
              <th scope="col">{d.col.role}</th>
              <th scope="col">{d.col.shelter}</th>
              <th scope="col">{d.col.issuedAt}</th>
              <th scope="col">{d.col.expiresAt}</th>
              <th scope="col">{d.col.state}</th>
              <th scope="col"><span class="visually-hidden">{t.actionsColumn}</span></th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((x) => {
              const expired = Date.parse(x.expiresAt) <= now;
              return (
                <tr key={x.jti} data-jti={x.jti}>
                  <th scope="row">
                    {label(x)}
                    {x.jti === ownJti && <span class="hq-chip"> {d.thisDevice}</span>}
                  </th>
                  <td>{d.role[x.role]}</td>
                  <td>{x.shelter ? (names.get(x.shelter) ?? x.shelter) : ''}</td>
                  <td>{shortDateTime(x.issuedAt)}</td>
                  <td>{shortDateTime(x.expiresAt)}</td>
                  <td data-testid="device-state">{x.revokedAt ? d.revoked(shortDateTime(x.revokedAt)) : expired ? d.expired : d.active}</td>
                  <td>
                    {!x.revokedAt && !expired && x.jti !== ownJti && (
                      <button type="button" class="button button--small" onClick={() => setRevoking(x)} data-testid="device-revoke">
                        {d.revoke}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {revoking && (
        <ConfirmDialog
          title={d.confirmRevoke(label(revoking))}
          confirmLabel={d.revoke}
          cancelLabel={d.cancel}
          onConfirm={() => {
            void revoke(revoking.jti);
            setRevoking(null);
          }}
          onCancel={() => setRevoking(null)}
        >
          <p>{d.confirmBody}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
