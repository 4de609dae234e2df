import { useEffect } from 'preact/hooks';
import { i18n } from '#i18n';

/** How long the toast offers Undo (the background keeps the revoked grants a little longer: UNDO_WINDOW_MS). */
export const UNDO_TOAST_MS = 8_000;

/** "Revoked … Undo", for a few seconds after a revoke. */
export function UndoToast(props: { message: string; onUndo(): void; onDismiss(): void }) {
  const { onDismiss } = props;
  useEffect(() => {
    const timer = setTimeout(onDismiss, UNDO_TOAST_MS);
    return () => clearTimeout(timer);
  }, [onDismiss]);
  return (
    <div class="toast" role="status" data-testid="undo-toast">
      <span>{props.message}</span>
      <button type="button" class="secondary" onClick={props.onUndo} data-testid="undo-revoke">
        {i18n.t('popup.sites.undoButton')}
      </button>
    </div>
  );
}
