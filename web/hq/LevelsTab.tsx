// Evacuation levels per district. 4 (避難指示) and 5 (緊急安全確保) ask again before they are
// issued; every change lands in the history together with the level (domain/levels.ts).
import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../lib/ui/ConfirmDialog';
import { shortDateTime } from '../lib/format';
import { type Level, LEVELS, hqDistricts } from '../../domain/schema';
import { asStringOrNull } from '../../domain/coerce';
import { addDistrict, levelHistory, levelName, requiresConfirmation, setDistrictLevel } from '../../domain/levels';
import { newId } from '../lib/ids';
import { LEVEL_COLOURS } from '../../domain/level-colours';
import type { HqView } from './context';

export function LevelsTab({ view }: { view: HqView }) {
  const { t, lang, hq } = view;
  const [draft, setDraft] = useState<Record<string, Level>>({});
  const [confirming, setConfirming] = useState<{ districtId: string; name: string; level: Level; from: Level } | null>(null);
  const names = new Map(view.districts.map((d) => [d.id, d.name]));

  const apply = (districtId: string, level: Level) => {
    void hq.transact((doc) => {
      setDistrictLevel(doc, districtId, level, { by: view.actor, now: new Date() });
    });
    setDraft(({ [districtId]: _, ...rest }) => rest);
  };
  const request = (districtId: string, name: string, level: Level) => {
    const from = view.districts.find((d) => d.id === districtId)?.level ?? 0;
    if (requiresConfirmation(level, from)) setConfirming({ districtId, name, level, from });
    else apply(districtId, level);
  };
  const lifting = confirming !== null && confirming.level < confirming.from;

  const [newName, setNewName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const add = async () => {
    let error: string | null = null;
    await hq.transact((doc) => {
      const r = addDistrict(doc, { id: newId(), name: newName });
      if (!r.ok) error = t.levels.districtError[r.error];
    });
    setNameError(error);
    if (!error) setNewName('');
  };

  const history = levelHistory(hq.doc);
  return (
    <div class="hq-page">
      <h2>{t.levels.heading}</h2>
      {view.districts.length === 0 && <p class="muted">{t.levels.noDistricts}</p>}
      <table class="hq-table hq-levels" data-testid="levels-table">
        <thead>
          <tr>
            <th scope="col">{t.levels.district}</th>
            <th scope="col">{t.levels.current}</th>
            <th scope="col">{t.levels.issuedAt}</th>
            <th scope="col">{t.levels.set}</th>
          </tr>
        </thead>
        <tbody>
          {view.districts.map((d) => {
            const chosen = draft[d.id] ?? d.level;
            const issuedAt = asStringOrNull(hqDistricts(hq.doc).get(d.id)?.get('issuedAt'));
            return (
              <tr key={d.id} data-district-id={d.id}>
                <th scope="row">{d.name}</th>
                <td>
                  <span class="hq-level-badge" style={{ background: LEVEL_COLOURS[d.level].bg, color: LEVEL_COLOURS[d.level].fg }} data-testid="current-level" data-level={d.level}>
                    {t.levels.level(d.level)} {levelName(d.level, lang)}
                  </span>
                </td>
                <td>{shortDateTime(issuedAt)}</td>
                <td class="hq-levels__set">
                  <select
                    aria-label={`${d.name} ${t.levels.set}`}
                    value={chosen}
                    onChange={(e) => setDraft({ ...draft, [d.id]: Number((e.target as HTMLSelectElement).value) as Level })}
                    data-testid="level-select"
                  >
                    {LEVELS.map((l) => (
                      <option key={l} value={l}>
                        {l} {levelName(l, lang)}
                      </option>
                    ))}
                  </select>
                  <button type="button" class="button button--small" disabled={chosen === d.level} onClick={() => request(d.id, d.name, chosen)} data-testid="level-apply">
                    {t.levels.set}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <form
        class="hq-add-district"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <div class={`field${nameError ? ' field--error' : ''}`}>
          <label for="district-name">{t.levels.addDistrict}</label>
          <div class="hq-actions">
            <input id="district-name" placeholder={t.levels.districtName} value={newName} onInput={(e) => setNewName((e.target as HTMLInputElement).value)} data-testid="district-name" />
            <button type="submit" class="button button--small" data-testid="district-add">{t.levels.add}</button>
          </div>
          {nameError && <p class="field__error" role="alert">{nameError}</p>}
        </div>
      </form>

      <h2>{t.levels.history}</h2>
      {history.length === 0 ? (
        <p class="muted">{t.levels.historyEmpty}</p>
      ) : (
        <table class="hq-table" data-testid="levels-history">
          <thead>
            <tr>
              <th scope="col">{t.levels.historyCol.at}</th>
              <th scope="col">{t.levels.historyCol.district}</th>
              <th scope="col">{t.levels.historyCol.from}</th>
              <th scope="col">{t.levels.historyCol.to}</th>
              <th scope="col">{t.levels.historyCol.by}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h, i) => (
              <tr key={`${h.at}-${i}`}>
                <td>{shortDateTime(h.at)}</td>
                <td>{names.get(h.districtId) ?? h.districtId}</td>
                <td>{t.levels.level(h.from)} {levelName(h.from, lang)}</td>
                <td>{t.levels.level(h.to)} {levelName(h.to, lang)}</td>
                <td>{h.by}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {confirming && (
        <ConfirmDialog
          title={
            lifting
              ? t.levels.confirmLiftTitle(confirming.from, confirming.level, levelName(confirming.level, lang), confirming.name)
              : t.levels.confirmTitle(confirming.level, levelName(confirming.level, lang), confirming.name)
          }
          confirmLabel={lifting ? t.levels.confirmLift : t.levels.confirm}
          cancelLabel={t.levels.cancel}
          onConfirm={() => {
            apply(confirming.districtId, confirming.level);
            setConfirming(null);
          }}
          onCancel={() => setConfirming(null)}
        >
          <p>{lifting ? t.levels.confirmLiftBody(confirming.level) : t.levels.confirmBody(confirming.level)}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
