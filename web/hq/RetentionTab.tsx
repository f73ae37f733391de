// Retention of people's data (domain/retention.ts): HQ sets how long a closed shelter's roster is
// kept, sees which rosters go when, and can export one before it goes. The server purges; this
// screen only shows the schedule (from the overview stream) and writes the setting (hq meta).
import { useMemo, useState } from 'preact/hooks';
import type { HqView } from './context';
import { Flash, type FlashMessage } from '../lib/ui/Flash';
import { saveChange } from '../lib/sync/synced-doc';
import { isoDate, shortDateTime } from '../lib/format';
import { useDocVersion } from '../lib/sync/use-synced';
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, retentionDays, retentionSchedule, setRetentionDays } from '../../domain/retention';
import { hqShelters } from '../../domain/schema';
import { asString } from '../../domain/coerce';
import { readPeople } from '../../domain/people';
import { rosterCsv } from '../../domain/roster-csv';
import { shelterStrings } from '../shelter/strings';
import { shelterDocs } from './shelter-docs';

export function RetentionTab({ view }: { view: HqView }) {
  const r = view.t.retention;
  const version = useDocVersion(view.hq);
  const days = useMemo(() => retentionDays(view.hq.doc), [version]);
  const [draft, setDraft] = useState<string | null>(null);
  const [message, setMessage] = useState<FlashMessage | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const lines = useMemo(() => retentionSchedule([...view.overview.shelters.values()], days, view.now), [view.overview, days, view.now]);
  const nameOf = (id: string) => asString(hqShelters(view.hq.doc).get(id)?.get('name'), id);

  const save = async (e: Event) => {
    e.preventDefault();
    const n = Number(draft ?? days);
    if (!Number.isInteger(n) || n < MIN_RETENTION_DAYS || n > MAX_RETENTION_DAYS) {
      setMessage({ text: r.invalid, error: true });
      return;
    }
    if (await saveChange(view.hq, (doc) => setRetentionDays(doc, n))) {
      setDraft(null);
      setMessage({ text: r.saved(n) });
    }
  };

  const exportRoster = async (shelterId: string) => {
    setExporting(shelterId);
    setMessage(null);
    try {
      const s = shelterStrings(view.lang);
      const { fresh, value } = await shelterDocs(view.token).read(shelterId, (doc) => {
        const people = readPeople(doc);
        return {
          count: people.length,
          protectedCount: people.filter((p) => p.protected).length,
          csv: rosterCsv(people, {
            presentOnly: false,
            labels: s.export.columns,
            values: {
              ageGroup: view.c.ageGroups,
              sex: view.c.sexes,
              stay: view.c.stays,
              needs: view.c.needs,
              districts: Object.fromEntries(view.districts.map((d) => [d.id, d.name])),
              consent: s.checkIn.consentLevels,
            },
          }),
        };
      });
      if (!fresh && value.count === 0) {
        setMessage({ text: r.exportFailed, error: true });
        return;
      }
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([value.csv], { type: 'text/csv;charset=utf-8' }));
      a.download = r.fileName(shelterId, isoDate(new Date()));
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      if (value.protectedCount > 0) setMessage({ text: r.protectedLeftOut(value.protectedCount) });
    } finally {
      setExporting(null);
    }
  };

  return (
    <div class="hq-page retention">
      <h2>{r.heading}</h2>
      <p class="muted">{r.hint}</p>
      <form class="retention__setting" onSubmit={save} noValidate>
        <label for="retention-days">{r.days}</label>
        <div class="retention__row">
          <input
            id="retention-days"
            type="number"
            inputMode="numeric"
            min={MIN_RETENTION_DAYS}
            max={MAX_RETENTION_DAYS}
            value={draft ?? String(days)}
            onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
            data-testid="retention-days"
          />
          <button type="submit" class="button">{r.save}</button>
        </div>
      </form>
      <Flash message={message} />
      {lines.length === 0 ? (
        <p class="muted">{r.none}</p>
      ) : (
        <table class="hq-table" data-testid="retention-table">
          <thead>
            <tr>
              <th scope="col">{r.columns.shelter}</th>
              <th scope="col">{r.columns.closedAt}</th>
              <th scope="col">{r.columns.dueAt}</th>
              <th scope="col">{r.columns.people}</th>
              <th scope="col">{r.columns.action}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.shelterId} data-shelter={l.shelterId} data-purged={l.purgedAt ? 'true' : 'false'}>
                <th scope="row">{nameOf(l.shelterId)}</th>
                <td>{l.closedAt ? shortDateTime(l.closedAt) : '—'}</td>
                <td>{l.purgedAt ? r.purged(shortDateTime(l.purgedAt)) : r.dueIn(l.daysLeft ?? 0, shortDateTime(l.dueAt))}</td>
                <td>{l.retained ? r.retained(l.retained.people, l.retained.households) : l.peopleOnRecord}</td>
                <td>
                  {!l.purgedAt && l.peopleOnRecord > 0 && (
                    <button type="button" class="button" disabled={exporting !== null} onClick={() => void exportRoster(l.shelterId)} data-testid="retention-export">
                      {exporting === l.shelterId ? r.exporting : r.export}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
