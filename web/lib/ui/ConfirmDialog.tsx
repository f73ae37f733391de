// An in-page confirmation (not window.confirm: big touch targets, translated buttons, and it
// does not block the page's sync while it waits).
import type { ComponentChildren } from 'preact';
import { commonStrings, useLang } from '../i18n';

interface Props {
  title?: string;
  children: ComponentChildren;
  confirmLabel?: string;
  cancelLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, cancelLabel, onConfirm, onCancel }: Props) {
  const [lang] = useLang();
  const c = commonStrings(lang).actions;
  return (
    <div class="modal-backdrop">
      <div class="modal" role="alertdialog" aria-modal="true" data-testid="confirm-dialog">
        {title && <h2>{title}</h2>}
        <div class="modal__body">{children}</div>
        <div class="modal__actions">
          <button type="button" class="button" onClick={onCancel} data-testid="confirm-cancel">
            {cancelLabel ?? c.cancel}
          </button>
          <button type="button" class="button button--primary" onClick={onConfirm} data-testid="confirm-ok">
            {confirmLabel ?? c.confirm}
          </button>
        </div>
      </div>
    </div>
  );
}
