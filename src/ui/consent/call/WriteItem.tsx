import { i18n } from '#i18n';
import type { WritePreview } from '../../../consent/records';
import { LexiconCheck } from '../LexiconCheck';
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
        {writeHeading(write.collection, write.action)}{' '}
        <span class={write.covered ? 'write-status covered' : 'write-status'}>
          {write.covered ? i18n.t('consent.preview.covered') : i18n.t('consent.preview.notCovered')}
        </span>
      </p>
      {write.count > 1 && (
        <p class="preview-label">{i18n.t('consent.preview.repeated', { count: String(write.count) })}</p>
      )}
      {write.action !== 'delete' && <LexiconCheck record={record} collection={write.collection} />}
      <RecordView content={write.content} />
    </li>
  );
}
