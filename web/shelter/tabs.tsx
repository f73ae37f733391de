// The tablet's navigation: one entry per tab, in order. Adding a screen is adding an entry here
// (path is the hash route's first segment; `rest` is what follows it, e.g. a person id).
import type { ComponentChild } from 'preact';
import type { ShelterApp } from './context';
import { Overview } from './screens/Overview';
import { CheckIn } from './screens/CheckIn';
import { People } from './screens/People';
import { Supplies } from './screens/Supplies';
import { Requests } from './screens/Requests';
import { Export } from './screens/Export';
import { LazyShelterMap } from './map/LazyShelterMap';

export interface Tab {
  path: string;
  label: (app: ShelterApp) => string;
  render: (rest: string[]) => ComponentChild;
}

export const TABS: Tab[] = [
  { path: '', label: (a) => a.t.tabs.overview, render: () => <Overview /> },
  { path: 'check-in', label: (a) => a.t.tabs.checkIn, render: (rest) => <CheckIn key={rest[0] ?? ''} householdId={rest[0]} /> },
  { path: 'people', label: (a) => a.t.tabs.people, render: (rest) => <People rest={rest} /> },
  { path: 'supplies', label: (a) => a.t.tabs.supplies, render: () => <Supplies /> },
  { path: 'requests', label: (a) => a.t.tabs.requests, render: () => <Requests /> },
  { path: 'export', label: (a) => a.t.tabs.export, render: () => <Export /> },
  { path: 'map', label: (a) => a.t.map.tab, render: () => <LazyShelterMap /> },
];
