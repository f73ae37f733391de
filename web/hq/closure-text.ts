import type { RoadClosure } from '../../domain/schema';
import type { HqStrings } from '../i18n/ja/hq';
import { shortDateTime } from '../lib/format';

export function describeClosure(c: RoadClosure, t: HqStrings): string {
  const when = `${shortDateTime(c.since)} – ${c.until ? shortDateTime(c.until) : ''}`;
  return `${t.map.closure}: ${c.reason} (${when})`;
}
