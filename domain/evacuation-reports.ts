// Residents' anonymous reports after their switch flipped: evacuated (and where to), safe at
// home, or not yet. Counted per district for the city (status.json's `reports`, HQ's board).
export const EVACUATION_STATUSES = ['evacuated', 'safe-at-home', 'not-yet'] as const;
export type EvacuationStatus = (typeof EVACUATION_STATUSES)[number];
export const EVACUATION_WHERE = ['shelter', 'relatives', 'upstairs', 'car'] as const;
export type EvacuationWhere = (typeof EVACUATION_WHERE)[number];

export interface ReportCounts {
  evacuated: number;
  'safe-at-home': number;
  'not-yet': number;
  where: Record<EvacuationWhere, number>;
}

export function emptyReportCounts(): ReportCounts {
  return { evacuated: 0, 'safe-at-home': 0, 'not-yet': 0, where: { shelter: 0, relatives: 0, upstairs: 0, car: 0 } };
}
