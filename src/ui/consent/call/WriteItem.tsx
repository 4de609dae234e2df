import { i18n } from '#i18n';
import { PREVIEWED_COLLECTIONS } from '../../../consent/previewable';
import type { WriteAction, WritePreview } from '../../../consent/records';
import { richText } from '../../rich-text';
import { LexiconCheck } from '../LexiconCheck';
import { SiteText } from '../SiteText';
import { RecordView } from './RecordView';
import { writeHeading } from './write-heading';

/**
 * One write of a request: what it does, whether the grant already allows it, how often it repeats, its
 * content; the record it writes (`record`, from the request) checked against its lexicon.
 */
export function WriteItem({ write, record }: { write: WritePreview; record?: unknown }) {
  return (
    <li
      class="write"
      data-testid="consent-write"
      data-action={write.action}
      data-collection={write.collection}
      data-count={write.count}
      data-covered={String(write.covered)}
    >
      <p class="write-heading">
        {PREVIEWED_COLLECTIONS.has(write.collection)
          ? writeHeading(write.collection, write.action)
          : otherHeading(write.collection, write.action)}{' '}
        <span class={write.covered ? 'write-status covered' : 'write-status'}>
          {write.covered ? i18n.t('consent.preview.covered') : i18n.t('consent.preview.notCovered')}
        </span>
      </p>
      {write.count > 1 && (
        <p class="preview-label">{i18n.t('consent.preview.repeated', { count: String(write.count) })}</p>
      )}
      {write.action !== 'delete' && <LexiconCheck record={record} collection={write.collection} />}
      <RecordView content={write.content} record={record} />
    </li>
  );
}

/** The heading of a write of a collection the previews do not know: its name, as site text. */
function otherHeading(collection: string, action: WriteAction) {
  const name = {
    collection: (
      <code>
        <SiteText text={collection} max={300} />
      </code>
    ),
  };
  if (action === 'create') return richText('consent.preview.heading.otherCreate', name);
  if (action === 'update') return richText('consent.preview.heading.otherUpdate', name);
  return richText('consent.preview.heading.otherDelete', name);
}
