// The one-line result of an action: green for done, red for a failure (announced either way).
export interface FlashMessage {
  text: string;
  error?: boolean;
}

export function Flash({ message, inline = false }: { message: FlashMessage | null; inline?: boolean }) {
  if (!message) return null;
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag class={`flash${message.error ? ' flash--error' : ''}${inline ? ' flash--inline' : ''}`} role={message.error ? 'alert' : 'status'}>
      {message.text}
    </Tag>
  );
}
