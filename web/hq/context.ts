// What every HQ view needs, computed once per render of the App.
import type { SyncedDoc } from '../lib/sync/synced-doc';
import type { CommonStrings } from '../lib/i18n';
import type { Lang } from '../i18n/index';
import type { HqStrings } from '../i18n/ja/hq';
import type { OverviewState } from './overview-feed';
import type { ShelterRow } from './shelter-rows';
import type { Level, RoadClosure } from '../../domain/schema';

/** A district as the HQ views show it (name and level). */
export interface DistrictView {
  id: string;
  name: string;
  level: Level;
}
import type { ShelterLinks } from './use-links';

import type { SosList } from './use-sos';

export interface HqView {
  t: HqStrings;
  c: CommonStrings;
  lang: Lang;
  token: string;
  actor: string;
  hq: SyncedDoc;
  overview: OverviewState;
  rows: ShelterRow[];
  districts: DistrictView[];
  closures: RoadClosure[];
  now: Date;
  /** How the city reaches each shelter (use-links.ts). */
  links: ShelterLinks;
  /** Residents' requests for help (use-sos.ts). */
  sos: SosList;
  /** Centres the map on an SOS (from the SOS list). */
  focusSos?: (id: string) => void;
}
