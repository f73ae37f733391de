// A labelled form field with its error right next to it (and tied to it for screen readers).
import type { ComponentChildren } from 'preact';

interface Props {
  id: string;
  label: string;
  error?: string | null;
  hint?: string;
  children: ComponentChildren;
}

export function Field({ id, label, error, hint, children }: Props) {
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && <p class="field__hint">{hint}</p>}
      {error && (
        <p class="field__error" id={`${id}-error`} role="alert" data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
