// /hq/ without a usable token: why, and how to get one.
import { commonStrings, useLang } from '../lib/i18n';
import { LangSwitch } from '../lib/ui/LangSwitch';
import { shortDateTime } from '../lib/format';
import type { NotEnrolledReason } from '../lib/enrolment';
import { hqStrings } from './strings';

export function NotEnrolled({ reason, wipedAt }: NotEnrolledReason) {
  const [lang] = useLang();
  const t = hqStrings(lang);
  const e = commonStrings(lang).enrol;
  const why = reason === 'wiped' ? e.wiped(shortDateTime(wipedAt ?? new Date().toISOString())) : reason === 'missing' ? t.notEnrolled : reason === 'malformed' ? e.malformed : reason === 'expired' ? e.expired : e.wrongRole('/hq/');
  return (
    <main class="hq-enrol" data-testid="hq-not-enrolled" data-reason={reason}>
      <h1>{t.appName}</h1>
      <h2>{e.title}</h2>
      <p>{why}</p>
      <p class="muted">{t.enrolHowTo}</p>
      <LangSwitch />
    </main>
  );
}
