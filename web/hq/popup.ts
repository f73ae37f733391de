// A shelter's popup on the map, built with DOM nodes (names come from documents, never as HTML).
import { requestAmount } from '../../domain/requests';
import type { HqStrings } from '../i18n/ja/hq';
import type { CommonStrings } from '../lib/i18n';
import type { ShelterRow } from './shelter-rows';
import { DEFAULT_ITEMS } from '../../domain/stock';

export function itemLabel(id: string, c: CommonStrings): string {
  return c.items[id] ?? DEFAULT_ITEMS.find((i) => i.id === id)?.name ?? id;
}

export function shelterPopup(row: ShelterRow | undefined, t: HqStrings, c: CommonStrings): HTMLElement {
  const root = document.createElement('div');
  root.className = 'hq-popup';
  if (!row) return root;
  root.dataset.shelterId = row.id;
  const add = (tag: string, text: string, cls?: string) => {
    const el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    root.appendChild(el);
    return el;
  };
  add('h3', row.name);
  add('p', `${t.shelterStatus[row.status]} · ${t.crowding[row.band]}`, `hq-popup__band hq-band--${row.band}`);
  add('p', t.popup.inShelterOfCapacity(row.present.shelter, row.capacity), 'hq-popup__people');
  add('p', `${c.stays.car} ${row.present.car} · ${c.stays.home} ${row.present.home}`);
  const needs = Object.entries(row.needs).filter(([, n]) => n > 0);
  add('p', `${t.popup.needs}: ${needs.length ? needs.map(([k, n]) => `${c.needs[k] ?? k} ${n}`).join(t.listSep) : t.popup.noNeeds}`);
  const reqs = row.openRequests;
  add('p', `${t.popup.requests}: ${reqs.length ? reqs.map((r) => `${itemLabel(r.item, c)} ${requestAmount(r, (u) => c.units[u] ?? u)} (${c.requestStatuses[r.status]})`).join(t.listSep) : t.popup.noRequests}`);
  const sync = row.minutesSinceUpdate === null ? t.neverSynced : t.ago(row.minutesSinceUpdate);
  add('p', `${t.popup.lastSync}: ${sync}${row.stale ? ` ⚠ ${t.stale}` : ''}`, row.stale ? 'hq-popup__stale' : undefined);
  return root;
}
