// People: search as you type (name or kana prefix), filters, check-out of a person or a whole
// household, edit, and the "possible duplicates" view. The list is virtualised: only the rows
// on screen are in the DOM, so 10,000 people render as fast as 20.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { NEEDS, STAY_TYPES, type Person, type StayType } from '../../../domain/schema';
import { searchPeopleWithTotal, type SearchQuery } from '../../../domain/search';
import { markNotDuplicate, mergePeople } from '../../../domain/roster-corrections';
import { findDuplicateCandidates } from '../../../domain/duplicates';
import { label } from '../../lib/i18n';
import { useDocVersion } from '../../lib/sync/use-synced';
import { TEXT_SCALE, useTextSize } from '../../lib/text-size';
import { shortDateTime } from '../../lib/format';
import { useMediaQuery } from '../../lib/ui/use-media-query';
import { ConfirmDialog } from '../../lib/ui/ConfirmDialog';
import { Flash } from '../../lib/ui/Flash';
import { saveChange } from '../../lib/sync/synced-doc';
import { useShelter } from '../context';
import { href } from '../routes';
import { peopleIndex } from '../people-index';
import { EditPerson } from './EditPerson';
import { Household } from './Household';
import { HouseholdCards } from './HouseholdCards';
import { ScanCard } from './ScanCard';
import { BASE_ROW_HEIGHT, PHONE_ROW_FACTOR, PersonRow, useCheckOut } from './PersonRow';

const SEARCH_KEY = 'hinanjo:shelter:people-search';

export function People({ rest }: { rest: string[] }) {
  if (rest[0] === 'duplicates') return <Duplicates />;
  if (rest[0] === 'household' && rest[1]) return <Household householdId={rest[1]} />;
  if (rest[0] === 'cards') return <HouseholdCards only={rest[1]} />;
  if (rest[0] === 'scan') return <ScanCard />;
  if (rest[0]) return <EditPerson personId={rest[0]} />;
  return <PeopleList />;
}

/** Row height at normal text size; the large-text setting scales it (text-size.ts). */
const OVERSCAN = 6;

function PeopleList() {
  const { shelter, t, c } = useShelter();
  const p = t.people;
  const version = useDocVersion(shelter);
  const index = useMemo(() => peopleIndex(shelter, version), [shelter, version]);
  const [textSize] = useTextSize();
  // A phone stacks name, tags and time (shelter.css, max-width 640px): its rows are taller.
  const phone = useMediaQuery('(max-width: 640px)');
  const ROW_HEIGHT = Math.round(BASE_ROW_HEIGHT * TEXT_SCALE[textSize] * (phone ? PHONE_ROW_FACTOR : 1));
  // The search stays when staff open a person and come back (kept for this tab only).
  const [query, setQueryState] = useState(() => sessionStorage.getItem(SEARCH_KEY) ?? '');
  const setQuery = (q: string) => {
    setQueryState(q);
    try {
      sessionStorage.setItem(SEARCH_KEY, q);
    } catch {
      /* kept in memory only */
    }
  };
  const [stay, setStay] = useState<StayType | ''>('');
  const [need, setNeed] = useState('');
  const [presence, setPresence] = useState<NonNullable<SearchQuery['presence']>>('present');
  const result = useMemo(
    () =>
      searchPeopleWithTotal(
        index,
        { query, stay: stay || undefined, need: need || undefined, presence },
        index.people.length,
      ),
    [index, query, stay, need, presence],
  );
  const { askPerson, askHousehold, readmit, dialog, flash } = useCheckOut();

  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight || 600);
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, []);
  useEffect(() => {
    scroller.current?.scrollTo(0, 0);
    setScrollTop(0);
  }, [query, stay, need, presence]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(result.people.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const visible = result.people.slice(first, last);

  return (
    <div class="people">
      <div class="people__toolbar">
        <label class="search">
          <span class="visually-hidden">{p.search}</span>
          <input
            type="search"
            placeholder={p.searchPlaceholder}
            value={query}
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
            data-testid="people-search"
          />
        </label>
        <select aria-label={p.filterStay} value={stay} onChange={(e) => setStay((e.target as HTMLSelectElement).value as StayType | '')} data-testid="filter-stay">
          <option value="">{p.filterStay}: {p.all}</option>
          {STAY_TYPES.map((s) => (
            <option key={s} value={s}>
              {label(c.stays, s)}
            </option>
          ))}
        </select>
        <select aria-label={p.filterNeeds} value={need} onChange={(e) => setNeed((e.target as HTMLSelectElement).value)} data-testid="filter-need">
          <option value="">{p.filterNeeds}: {p.all}</option>
          {NEEDS.map((n) => (
            <option key={n} value={n}>
              {label(c.needs, n)}
            </option>
          ))}
        </select>
        <div class="segmented" role="radiogroup" aria-label={p.filterPresence}>
          {(['present', 'left', 'all'] as const).map((v) => (
            <button type="button" role="radio" key={v} aria-checked={presence === v} onClick={() => setPresence(v)} data-presence={v}>
              {v === 'present' ? p.present : v === 'left' ? p.left : p.all}
            </button>
          ))}
        </div>
        <a class="button" href={href('people', 'scan')} data-testid="open-scan">
          {t.scan.open}
        </a>
        <a class="button" href={href('people', 'cards')} data-testid="open-cards">
          {t.cards.print}
        </a>
        <a class="button" href={href('people', 'duplicates')}>
          {p.duplicates}
        </a>
      </div>
      <p class="people__count" data-testid="people-count" data-total={result.total}>
        {p.count(result.total, index.people.length)}
        <Flash message={flash} inline />
      </p>
      <TagLegend people={result.people} />
      <div class="people__scroller" ref={scroller} onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)} data-testid="people-list">
        {result.people.length === 0 ? (
          <p class="muted people__none">{p.none}</p>
        ) : (
          <div style={{ height: `${result.people.length * ROW_HEIGHT}px`, position: 'relative' }}>
            {visible.map((person, i) => (
              <PersonRow key={person.id} person={person} top={(first + i) * ROW_HEIGHT} height={ROW_HEIGHT} onCheckOut={askPerson} onCheckOutHousehold={askHousehold} onReadmit={readmit} />
            ))}
          </div>
        )}
      </div>
      {dialog}
    </div>
  );
}

function Duplicates() {
  const { shelter, t, c, deviceLabel } = useShelter();
  const p = t.people;
  const version = useDocVersion(shelter);
  const groups = useMemo(() => findDuplicateCandidates(shelter.doc), [shelter, version]);
  const { askPerson, askHousehold, dialog, flash, setFlash } = useCheckOut();
  const [merging, setMerging] = useState<{ keep: Person; drop: Person } | null>(null);
  const decide = async (change: (doc: Parameters<Parameters<typeof saveChange>[1]>[0]) => void, text: string) => {
    const stored = await saveChange(shelter, change);
    setFlash(stored ? { text } : { text: c.sync.storeFailed, error: true });
  };
  const merge = (keep: Person, drop: Person) => {
    setMerging(null);
    void decide((doc) => void mergePeople(doc, keep.id, drop.id, { now: new Date(), by: deviceLabel }), p.merged(keep.name));
  };
  const notSame = (a: Person, b: Person) =>
    void decide((doc) => markNotDuplicate(doc, a.id, b.id, { now: new Date(), by: deviceLabel }), p.dismissed);
  return (
    <div class="duplicates">
      <a class="button" href={href('people')}>
        {p.back}
      </a>
      <h2>{p.duplicatesTitle}</h2>
      <p class="muted">{p.duplicatesHelp}</p>
      <Flash message={flash} />
      {groups.length === 0 ? (
        <p class="muted" data-testid="no-duplicates">
          {p.noDuplicates}
        </p>
      ) : (
        groups.map((g) => (
          <section class="card dup-group" key={g.key} data-testid="duplicate-group">
            {g.people.map((person, i) => (
              <div key={person.id}>
                <PersonRow person={person} onCheckOut={askPerson} onCheckOutHousehold={askHousehold} />
                {i > 0 && (
                  // Each later registration is compared with the first (the earliest check-in), which is kept.
                  <div class="dup-group__decide">
                    <button type="button" class="button button--small" onClick={() => setMerging({ keep: g.people[0], drop: person })} data-testid="dup-merge">
                      {p.merge}
                    </button>
                    <button type="button" class="button button--small" onClick={() => notSame(g.people[0], person)} data-testid="dup-not-same">
                      {p.notSame}
                    </button>
                  </div>
                )}
              </div>
            ))}
          </section>
        ))
      )}
      {dialog}
      {merging && (
        <ConfirmDialog confirmLabel={p.merge} onCancel={() => setMerging(null)} onConfirm={() => merge(merging.keep, merging.drop)}>
          {p.confirmMerge(`${merging.keep.name} (${shortDateTime(merging.keep.checkedInAt)})`, `${merging.drop.name} (${shortDateTime(merging.drop.checkedInAt)})`)}
        </ConfirmDialog>
      )}
    </div>
  );
}

/** What the short tags on a narrow screen mean: only the ones the current list uses. */
function TagLegend({ people }: { people: readonly Person[] }) {
  const { c } = useShelter();
  const entries = useMemo(() => {
    const used = { ageGroups: new Set<string>(), stays: new Set<string>(), needs: new Set<string>() };
    for (const person of people) {
      used.ageGroups.add(person.ageGroup);
      used.stays.add(person.stay);
      for (const n of person.needs) used.needs.add(n);
    }
    const out: string[] = [];
    for (const kind of ['ageGroups', 'stays', 'needs'] as const) {
      for (const key of used[kind]) {
        const short = c.short[kind][key];
        if (short) out.push(`${short} = ${label(c[kind], key)}`);
      }
    }
    return out;
  }, [people, c]);
  if (entries.length === 0) return null;
  return (
    <details class="people__legend muted" data-testid="tag-legend">
      <summary>{c.legend}</summary>
      {entries.join(' · ')}
    </details>
  );
}
