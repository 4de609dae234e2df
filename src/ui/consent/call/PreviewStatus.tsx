import { i18n } from '#i18n';
import type { PreviewState } from './usePreview';

/** The placeholder while the preview is looked up, and the plain line if it could not be. */
export function PreviewStatus({ state }: { state: PreviewState }) {
  if (state.status === 'loading')
    return (
      <p class="note" data-testid="preview-loading" aria-live="polite">
        {i18n.t('consent.preview.loading')}
      </p>
    );
  if (state.status === 'failed')
    return (
      <p class="note" data-testid="preview-failed">
        {i18n.t('consent.preview.failed')}
      </p>
    );
  return null;
}
