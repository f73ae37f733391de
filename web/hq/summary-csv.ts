// The per-shelter summary as a CSV file Excel opens in Japanese (BOM, CRLF, formula-safe cells:
// the same encoder as the roster, domain/roster-csv.ts). Counts only, never names of people.
import { CSV_BOM, csvLine, formatLocalTime } from '../../domain/roster-csv';
import { occupancyPercent } from '../../domain/public-status';
import type { ShelterRow } from './shelter-rows';

export function summaryCsv(
  rows: readonly ShelterRow[],
  labels: { header: readonly string[]; status: Record<string, string>; band: Record<string, string>; district: (id: string) => string },
): string {
  const lines = [csvLine([...labels.header])];
  for (const r of rows) {
    lines.push(
      csvLine([
        r.id,
        r.name,
        labels.district(r.districtId),
        labels.status[r.status] ?? r.status,
        String(r.capacity),
        String(r.present.shelter),
        String(r.present.car),
        String(r.present.home),
        r.occupancy === null ? '' : String(occupancyPercent(r.occupancy)),
        labels.band[r.band] ?? r.band,
        String(r.needsTotal),
        String(r.requestCounts.open + r.requestCounts.acknowledged),
        formatLocalTime(r.lastUpdateAt),
      ]),
    );
  }
  return CSV_BOM + lines.join('\r\n') + '\r\n';
}
