import { i18n } from '#i18n';
import { previewKind } from '../../../consent/previewable';
import { FromSite } from '../SiteText';
import { PreviewPrompt } from './ImageEntry';
import { PreviewStatus } from './PreviewStatus';
import type { CallRenderer, CallRendererProps } from './registry';
import { usePreview } from './usePreview';
import { WriteItem } from './WriteItem';

/** applyWrites with a write of a collection the previews know: each write itemised (others as trees), repeats once. */
export const applyWritesRenderer: CallRenderer = {
  name: 'apply-writes',
  matches: (intent) => previewKind(intent) === 'apply-writes',
  render: (props) => <ApplyWrites {...props} />,
};

function ApplyWrites({ view, details }: CallRendererProps) {
  const state = usePreview(view);
  const body =
    details.intent.body.kind === 'json' ? (details.intent.body.value as { writes: { value?: unknown }[] }) : undefined;
  const writes = state.status === 'ready' && state.preview.kind === 'writes' ? state.preview.writes : undefined;
  return (
    <div class="preview" data-testid="consent-preview" data-state={state.status}>
      <p class="write-heading">
        {i18n.t('consent.preview.applyWritesHeading', { count: String(body?.writes.length ?? 0) })}
      </p>
      <PreviewPrompt.Provider value={view.prompt}>
        <FromSite origin={view.prompt.origin}>
          {writes ? (
            <ul class="writes">
              {writes.map((write) => (
                <WriteItem write={write} record={body?.writes[write.index]?.value} />
              ))}
            </ul>
          ) : (
            <PreviewStatus state={state} />
          )}
        </FromSite>
      </PreviewPrompt.Provider>
    </div>
  );
}
