import { i18n } from '#i18n';
import type { PreviewState } from './usePreview';

/**
 * Where the preview is not (yet) there: the placeholder while it is looked up, else the plain line that
 * it could not be (the background failed, or its answer does not describe this call).
 */
export function PreviewStatus({ state }: { state: PreviewState }) {
  if (state.status === 'loading')
    return (
      <p class="note" data-testid="preview-loading" aria-live="polite">
        {i18n.t('consent.preview.loading')}
      </p>
    );
  return (
    <p class="note" data-testid="preview-failed">
      {i18n.t('consent.preview.failed')}
    </p>
  );
}
