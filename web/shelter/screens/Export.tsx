// The roster as CSV that Excel opens correctly in Japanese: UTF-8 with a BOM (domain/roster-csv
// writes it, BOM included; this screen only chooses who is in it and hands the file to the browser).
import { useState } from 'preact/hooks';
import { rosterCsv } from '../../../domain/roster-csv';
import { readPeople } from '../../../domain/people';
import { isPresent } from '../../../domain/counts';
import { isoDate } from '../../lib/format';
import { useShelter } from '../context';
import { useDistricts } from '../districts';

export function Export() {
  const { shelter, shelterId, t, c } = useShelter();
  const { districts } = useDistricts();
  const x = t.export;
  const [presentOnly, setPresentOnly] = useState(true);
  const protectedCount = readPeople(shelter.doc).filter((p) => p.protected && (!presentOnly || isPresent(p))).length;

  const download = () => {
    const csv = rosterCsv(readPeople(shelter.doc), {
      presentOnly,
      labels: x.columns,
      values: {
        ageGroup: c.ageGroups,
        sex: c.sexes,
        stay: c.stays,
        needs: c.needs,
        districts: Object.fromEntries(districts.map((d) => [d.id, d.name])),
        consent: t.checkIn.consentLevels,
      },
    });
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = x.fileName(shelterId, isoDate(new Date()));
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <div class="export panel">
      <h2>{x.title}</h2>
      <p class="muted">{x.help}</p>
      <div class="segmented" role="radiogroup">
        <button type="button" role="radio" aria-checked={presentOnly} onClick={() => setPresentOnly(true)} data-scope="present">
          {x.presentOnly}
        </button>
        <button type="button" role="radio" aria-checked={!presentOnly} onClick={() => setPresentOnly(false)} data-scope="everyone">
          {x.everyone}
        </button>
      </div>
      {protectedCount > 0 && (
        <p class="muted" data-testid="export-protected">{x.protectedLeftOut(protectedCount)}</p>
      )}
      <button type="button" class="button button--primary button--large" onClick={download} data-testid="export-download">
        {x.download}
      </button>
    </div>
  );
}
