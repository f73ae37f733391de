import { LANGS } from '../../i18n/index';
import { commonStrings, useLang } from '../i18n';

export function LangSwitch() {
  const [lang, setLang] = useLang();
  const t = commonStrings(lang).lang;
  return (
    <div class="lang-switch" role="group" aria-label={t.label}>
      {LANGS.map((l) => (
        <button type="button" key={l} aria-pressed={l === lang} onClick={() => setLang(l)} lang={l}>
          {t[l]}
        </button>
      ))}
    </div>
  );
}
