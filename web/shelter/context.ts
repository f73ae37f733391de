// What every tablet screen needs: the two documents it reads, who it is, and its strings.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { SyncedDoc } from '../lib/sync/synced-doc';
import type { CommonStrings } from '../lib/i18n';
import type { Lang } from '../i18n/index';
import type { ShelterStrings } from './strings';

export interface ShelterApp {
  shelterId: string;
  /** `shelter/<id>`: written by this tablet. */
  shelter: SyncedDoc;
  /** `hq`: read only (shelter name, capacity, districts). */
  hq: SyncedDoc;
  /** Written into ledger entries' `by`: the device label from the token, else the token id. */
  deviceLabel: string;
  lang: Lang;
  t: ShelterStrings;
  c: CommonStrings;
}

export const ShelterContext = createContext<ShelterApp | null>(null);

export function useShelter(): ShelterApp {
  const app = useContext(ShelterContext);
  if (!app) throw new Error('useShelter outside ShelterContext');
  return app;
}
