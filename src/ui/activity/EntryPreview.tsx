import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { ActivityEntry } from '../../activity/activity-log';
import type { DisplayedIntent } from '../../broker/intent';
import { previewKind } from '../../consent/previewable';
import { loadPreviewModels } from '../consent/call/load-preview-models';
import { PreviewStatus } from '../consent/call/PreviewStatus';
import { RecordView } from '../consent/call/RecordView';
import type { PreviewState } from '../consent/call/usePreview';
import { RecordTree } from '../consent/RecordTree';
import { FromSite } from '../consent/SiteText';
import { fileSize } from '../format';

/**
 * What a logged call sent, drawn by the consent window's previews (a post as a post, a like with what it
 * likes) from the request as the broker judged and sent it; other calls as their parameters and body.
 */
export function EntryPreview({ entry }: { entry: ActivityEntry }) {
  const { intent } = entry;
  const previewable = intent.body.kind === 'json' && previewKind(intent as DisplayedIntent) === 'repo-write';
  const [state, setState] = useState<PreviewState>({ status: 'loading' });
  useEffect(() => {
    if (!previewable) return;
    let live = true;
    loadPreviewModels()
      .then(({ previewOfIntent }) => previewOfIntent(intent as DisplayedIntent, entry.did))
      .then((preview) => live && setState({ status: 'ready', preview }))
      .catch(() => live && setState({ status: 'failed' }));
    return () => {
      live = false;
    };
  }, [entry.id]);

  const body = intent.body;
  return (
    <div class="activity-preview" data-testid="activity-preview">
      <p class="note">
        <code>{intent.nsid}</code>
        {intent.proxy && <> · {i18n.t('activity.entry.proxy', { proxy: intent.proxy })}</>}
      </p>
      <FromSite origin={entry.origin}>
        {previewable ? (
          state.status === 'ready' && state.preview.kind === 'writes' ? (
            state.preview.writes.map((write) => (
              <div key={write.index} class="activity-write">
                <RecordView content={write.content} />
              </div>
            ))
          ) : (
            <PreviewStatus state={state} />
          )
        ) : (
          <>
            {Object.keys(intent.params).length > 0 && <RecordTree value={intent.params} />}
            {body.kind === 'json' && <RecordTree value={body.value} />}
            {body.kind === 'text' && <RecordTree value={body.text} />}
            {body.kind === 'bytes' && (
              <p>{i18n.t('activity.entry.bytes', { type: body.encoding, size: fileSize(body.size) })}</p>
            )}
          </>
        )}
        {body.kind === 'omitted' && (
          <p class="note">{i18n.t('activity.entry.omitted', { size: fileSize(body.size) })}</p>
        )}
      </FromSite>
    </div>
  );
}
