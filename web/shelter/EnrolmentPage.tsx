// Shown instead of the app when this device has no usable token for the tablet surface.
import type { NotEnrolledReason } from '../lib/enrolment';
import { LangSwitch } from '../lib/ui/LangSwitch';
import { commonStrings, useLang } from '../lib/i18n';
import { shortDateTime } from '../lib/format';

export function EnrolmentPage({ reason, wipedAt }: NotEnrolledReason) {
  const [lang] = useLang();
  const t = commonStrings(lang).enrol;
  const message =
    reason === 'wiped'
      ? t.wiped(shortDateTime(wipedAt ?? new Date().toISOString()))
      : reason === 'missing'
      ? t.missing
      : reason === 'malformed'
        ? t.malformed
        : reason === 'expired'
          ? t.expired
          : t.wrongRole('/shelter/');
  return (
    <main class="enrol" data-testid="enrolment-page" data-reason={reason}>
      <LangSwitch />
      <h1>{t.title}</h1>
      <p class="enrol__message">{message}</p>
      <p class="enrol__howto">{t.howTo}</p>
    </main>
  );
}
