// The one-line result of an action: green for done, red for a failure (announced either way).
import { useLang } from '../i18n';
export interface FlashMessage {
  text: string;
  error?: boolean;
  /** A button beside the message, e.g. 取り消し right after a check-out. */
  action?: { label: string; run: () => void };
}

/** The language each message was made in: one made before a language switch is not shown in the other. */
const madeIn = new WeakMap<FlashMessage, string>();

export function Flash({ message, inline = false }: { message: FlashMessage | null; inline?: boolean }) {
  const [lang] = useLang();
  if (!message) return null;
  if (!madeIn.has(message)) madeIn.set(message, lang);
  if (madeIn.get(message) !== lang) return null;
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag class={`flash${message.error ? ' flash--error' : ''}${inline ? ' flash--inline' : ''}`} role={message.error ? 'alert' : 'status'}>
      {message.text}
      {message.action && (
        <>
          {' '}
          <button type="button" class="button button--small" onClick={message.action.run} data-testid="flash-action">
            {message.action.label}
          </button>
        </>
      )}
    </Tag>
  );
}
