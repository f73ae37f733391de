// The city's inquiry desk (安否照会): a caller asks whether someone is in a shelter. The desk
// types the name as given (kanji or kana) and how the caller is related; the server answers only
// with people whose consent covers that relation, never a protected person, and logs every
// question (who asked, when, what was answered) in an audit log HQ can download. Needs the
// server (the answer is decided there, and logged), so it says so offline.
import { useState } from 'preact/hooks';
import { hqMeta } from '../../domain/schema';
import { asString } from '../../domain/coerce';
import { validPfifDomain } from '../../domain/pfif';
import type { HqView } from './context';
import { RELATIONS, type Relation, type SafetyAnswer } from '../../domain/safety-answers';
import { shortDateTime } from '../lib/format';

export function SafetyTab({ view }: { view: HqView }) {
  const s = view.t.safety;
  const [name, setName] = useState('');
  const [relation, setRelation] = useState<Relation>('family');
  const [askedBy, setAskedBy] = useState('');
  const [birthYear, setBirthYear] = useState('');
  const [result, setResult] = useState<{ asked: string; answers: SafetyAnswer[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const savedDomain = asString(hqMeta(view.hq.doc).get('pfifDomain'));
  const [domain, setDomain] = useState(savedDomain);
  const [domainError, setDomainError] = useState<string | null>(null);
  const saveDomain = async () => {
    const d = validPfifDomain(domain);
    if (!d) return setDomainError(s.pfifDomainInvalid);
    setDomainError(null);
    await view.hq.transact((doc) => {
      if (hqMeta(doc).get('pfifDomain') !== d) hqMeta(doc).set('pfifDomain', d);
    });
    setDomain(d);
  };
  const [busy, setBusy] = useState(false);
  const auth = { Authorization: `Bearer ${view.token}` };

  const ask = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const res = await fetch('/api/hq/safety-inquiries', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, relation, askedBy, ...yearField(birthYear) }),
      });
      const body = (await res.json()) as { answers?: SafetyAnswer[]; error?: string };
      if (!res.ok) {
        setError(s.errors[body.error ?? ''] ?? s.failed);
        return;
      }
      setResult({ asked: name, answers: body.answers ?? [] });
    } catch {
      setError(s.offline);
    } finally {
      setBusy(false);
    }
  };

  const download = async (path: string, fileName: string) => {
    try {
      const res = await fetch(path, { headers: auth });
      if (res.status === 409) return setError(s.pfifDomainMissing);
      if (!res.ok) throw new Error(String(res.status));
      const a = document.createElement('a');
      a.href = URL.createObjectURL(await res.blob());
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch {
      setError(s.offline);
    }
  };

  return (
    <div class="hq-page safety-desk">
      <h2>{s.heading}</h2>
      <p class="muted">{s.hint}</p>
      <form class="safety-desk__form" onSubmit={(e) => void ask(e)} noValidate>
        <label for="safety-name">{s.name}</label>
        <input id="safety-name" value={name} autocomplete="off" onInput={(e) => setName((e.target as HTMLInputElement).value)} data-testid="safety-name" />
        <label for="safety-birth-year">{s.birthYear}</label>
        <input
          id="safety-birth-year"
          class="safety-desk__year"
          inputMode="numeric"
          maxLength={4}
          value={birthYear}
          autocomplete="off"
          onInput={(e) => setBirthYear((e.target as HTMLInputElement).value)}
          data-testid="safety-birth-year"
        />
        <fieldset>
          <legend>{s.relation}</legend>
          {RELATIONS.map((r) => (
            <label key={r} class="safety-desk__radio">
              <input type="radio" name="safety-relation" value={r} checked={relation === r} onChange={() => setRelation(r)} data-testid={`safety-relation-${r}`} />
              {s.relations[r]}
            </label>
          ))}
        </fieldset>
        <label for="safety-asked-by">{s.askedBy}</label>
        <input id="safety-asked-by" value={askedBy} autocomplete="off" onInput={(e) => setAskedBy((e.target as HTMLInputElement).value)} data-testid="safety-asked-by" />
        <button type="submit" class="button button--primary" disabled={busy} data-testid="safety-ask">
          {s.ask}
        </button>
      </form>
      {error && <p class="flash flash--error" role="alert" data-testid="safety-error">{error}</p>}
      {result && (
        <section aria-live="polite" data-testid="safety-result">
          {result.answers.length === 0 ? (
            <p>{s.noAnswer(result.asked)}</p>
          ) : (
            <ul class="plain-list">
              {result.answers.map((a, i) => (
                <li key={i} data-testid="safety-answer">
                  <strong>{a.name}</strong> ({a.kana}) — {a.shelterName}:{' '}
                  {a.present ? s.present(shortDateTime(a.checkedInAt)) : s.left(shortDateTime(a.checkedOutAt))}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <p>
        <button type="button" class="button" onClick={() => void download('/api/hq/safety-inquiries/audit.csv', s.auditFile)} data-testid="safety-audit">
          {s.audit}
        </button>{' '}
        <button type="button" class="button" onClick={() => void download('/api/hq/pfif.xml', s.pfifFile)} data-testid="safety-pfif" title={s.pfifHint}>
          {s.pfif}
        </button>
      </p>
      <p class="hq-actions">
        <label for="pfif-domain">{s.pfifDomain}</label>
        <input id="pfif-domain" value={domain} placeholder="city.example.jp" onInput={(e) => setDomain((e.target as HTMLInputElement).value)} data-testid="pfif-domain" aria-describedby="pfif-domain-hint" />
        <button type="button" class="button button--small" onClick={() => void saveDomain()} disabled={domain.trim() === savedDomain} data-testid="pfif-domain-save">
          {s.pfifDomainSave}
        </button>
        <span class="muted" id="pfif-domain-hint">{domainError ?? s.pfifDomainHint}</span>
      </p>
    </div>
  );
}

/** The year as a number when it is one; otherwise as typed, so the server says what is wrong with it. */
function yearField(text: string): { birthYear?: number | string } {
  const t = text.normalize('NFKC').trim();
  if (t === '') return {};
  return { birthYear: /^\d{1,4}$/.test(t) ? Number(t) : t };
}
