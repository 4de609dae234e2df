import { previewKind } from '../../../consent/previewable';
import { LexiconCheck } from '../LexiconCheck';
import { FromSite } from '../SiteText';
import { PreviewPrompt } from './ImageEntry';
import { PreviewStatus } from './PreviewStatus';
import { RecordView } from './RecordView';
import type { CallRenderer, CallRendererProps } from './registry';
import { usePreview } from './usePreview';
import { writeHeading } from './write-heading';

/** createRecord, putRecord and deleteRecord of the collections the previews know: the record, rendered. */
export const repoWriteRenderer: CallRenderer = {
  name: 'repo-write',
  matches: (intent) => previewKind(intent) === 'repo-write',
  render: (props) => <RepoWrite {...props} />,
};

function RepoWrite({ view, details }: CallRendererProps) {
  const state = usePreview(view);
  const body =
    details.intent.body.kind === 'json'
      ? (details.intent.body.value as { collection: string; record?: unknown })
      : undefined;
  const action = details.intent.nsid.endsWith('createRecord')
    ? 'create'
    : details.intent.nsid.endsWith('putRecord')
      ? 'update'
      : 'delete';
  const write = state.status === 'ready' && state.preview.kind === 'writes' ? state.preview.writes[0] : undefined;
  return (
    <div class="preview" data-testid="consent-preview" data-state={state.status}>
      <p class="write-heading" data-testid="consent-write-heading">
        {writeHeading(body?.collection ?? '', action)}
      </p>
      {action !== 'delete' && <LexiconCheck record={body?.record} collection={body?.collection} />}
      <PreviewPrompt.Provider value={view.prompt}>
        <FromSite origin={view.prompt.origin}>
          {write ? <RecordView content={write.content} /> : <PreviewStatus state={state} />}
        </FromSite>
      </PreviewPrompt.Provider>
    </div>
  );
}
