// The residents' side of the server, started together: hazard layers, push alerts at each
// household's timing, anonymous reports, and SOS. Everything lives in the store (records), so
// several instances on one PostgreSQL serve the same (push.ts claims each alert once).
import type { DerivedLayers } from '../derived-layers';
import type { HqContext } from '../../routes/hq';
import type { Route } from '../../routes/router';
import type { DocStore } from '../../store/types';
import { HazardService } from './hazards';
import { PushService } from './push';
import { ReportService } from './reports';
import { SosService } from './sos';
import { SupportListService } from './support-list';
import type { DocRegistry } from '../../core/registry';

export interface Evacuation {
  hazards: HazardService;
  push: PushService;
  reports: ReportService;
  sos: SosService;
  supportList: SupportListService;
  routes(): Route[];
  stop(): void;
}

export async function startEvacuation(deps: { store: DocStore; derived: DerivedLayers; registry: DocRegistry; clock: () => Date; log: (l: string) => void; hq: HqContext }): Promise<Evacuation> {
  const hazards = new HazardService(deps);
  const push = new PushService(deps);
  const reports = new ReportService(deps);
  const sos = new SosService(deps);
  const supportList = new SupportListService(deps);
  await Promise.all([hazards.start(), push.start(), reports.start(), supportList.start()]);
  return {
    hazards,
    push,
    reports,
    sos,
    supportList,
    routes: () => [...hazards.routes(), ...push.routes(), ...reports.routes(), ...sos.routes(), ...supportList.routes()],
    stop() {
      supportList.stop();
      hazards.stop();
      push.stop();
      reports.stop();
    },
  };
}
