// Choosing the language and the district.
import type { PublicDistrict } from '../../domain/public-status';
import { LANG_CODES, LANGS, type LangCode, type Translate } from './i18n';

export function LanguageSelect({ lang, t, onChange }: { lang: LangCode; t: Translate; onChange: (l: LangCode) => void }) {
  return (
    <label class="lang-select">
      <span>{t('lang.label')}</span>
      <select value={lang} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value as LangCode)}>
        {LANG_CODES.map((code) => (
          <option key={code} value={code} lang={LANGS[code].htmlLang}>
            {LANGS[code].label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Shown until the resident picks a language once: five big buttons, each in its own language. */
export function LanguageChooser({ t, lang, onChoose }: { t: Translate; lang: LangCode; onChoose: (l: LangCode) => void }) {
  return (
    <section class="card lang-chooser" aria-labelledby="lang-h">
      <h2 id="lang-h">{t('lang.choose')}</h2>
      <div class="lang-buttons">
        {LANG_CODES.map((code) => (
          <button
            key={code}
            type="button"
            lang={LANGS[code].htmlLang}
            aria-pressed={code === lang}
            onClick={() => onChoose(code)}
          >
            {LANGS[code].label}
          </button>
        ))}
      </div>
    </section>
  );
}

export type LocateState = 'idle' | 'locating' | 'located' | 'failed';

export function DistrictPicker(p: {
  districts: PublicDistrict[];
  value: string | null;
  onChange: (id: string) => void;
  onLocate: () => void;
  locate: LocateState;
  locatedName: string;
  t: Translate;
}) {
  const { t } = p;
  const known = p.districts.some((d) => d.id === p.value);
  return (
    <section class="card district">
      <label class="field">
        <span>{t('district.label')}</span>
        <select
          value={known ? (p.value ?? '') : ''}
          onChange={(e) => p.onChange((e.currentTarget as HTMLSelectElement).value)}
          disabled={p.districts.length === 0}
        >
          {!known && <option value="">{t('district.placeholder')}</option>}
          {p.districts.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="secondary" onClick={p.onLocate} disabled={p.locate === 'locating' || p.districts.length === 0}>
        {p.locate === 'locating' ? t('district.locating') : t('district.useLocation')}
      </button>
      <p class="small" role="status">
        {p.locate === 'located' && p.locatedName
          ? t('district.located', { district: p.locatedName })
          : p.locate === 'failed'
            ? t('district.locationFailed')
            : t('district.locationNote')}
      </p>
    </section>
  );
}
