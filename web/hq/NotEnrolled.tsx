import { useLang } from '../lib/i18n';
import { LangSwitch } from '../lib/LangSwitch';
import { hqStrings } from './strings';

export function NotEnrolled() {
  const [lang] = useLang();
  const t = hqStrings(lang);
  return (
    <main class="hq-enrol" data-testid="hq-not-enrolled">
      <h1>{t.appName}</h1>
      <p>{t.notEnrolled}</p>
      <LangSwitch />
    </main>
  );
}
