import { i18n } from '#i18n';
import { isPlainObject } from '../../../protocol/basics';
import { richText } from '../../rich-text';
import { LexiconCheck } from '../LexiconCheck';
import { RecordTree } from '../RecordTree';
import { FromSite, SiteText } from '../SiteText';
import type { CallIntent, CallRenderer } from './registry';

/** Create and put: the writes whose body carries one record. */
const RECORD_WRITES = new Set(['com.atproto.repo.createRecord', 'com.atproto.repo.putRecord']);

/** The record a create or put writes, with where it goes; undefined for other calls. */
function recordWrite(intent: CallIntent) {
  if (!RECORD_WRITES.has(intent.nsid) || intent.body.kind !== 'json' || !isPlainObject(intent.body.value)) {
    return undefined;
  }
  const { collection, rkey, record } = intent.body.value;
  return {
    collection: typeof collection === 'string' ? collection : '',
    rkey: typeof rkey === 'string' ? rkey : undefined,
    record,
  };
}

/**
 * The last resort: whatever no other renderer knows (a record of an unknown
 * collection, any call with parameters or a body), as a readable tree, with
 * a record checked against its lexicon.
 */
export const genericRenderer: CallRenderer = {
  name: 'generic',
  matches: (intent) => intent.body.kind !== 'none' || Object.keys(intent.params).length > 0,
  render({ view, details }) {
    const { intent } = details;
    const write = recordWrite(intent);
    if (write) {
      return (
        <>
          <LexiconCheck record={write.record} collection={write.collection} />
          <FromSite origin={view.prompt.origin}>
            <p class="call-where">
              {richText('consent.call.collection', {
                collection: (
                  <code>
                    <SiteText text={write.collection} max={300} />
                  </code>
                ),
              })}
              {write.rkey !== undefined && (
                <>
                  <br />
                  {richText('consent.call.recordKey', {
                    rkey: (
                      <code>
                        <SiteText text={write.rkey} max={512} />
                      </code>
                    ),
                  })}
                </>
              )}
            </p>
            <RecordTree value={write.record} />
          </FromSite>
        </>
      );
    }
    const { body, params } = intent;
    return (
      <FromSite origin={view.prompt.origin}>
        {Object.keys(params).length > 0 && (
          <>
            <h3 class="call-part">{i18n.t('consent.call.params')}</h3>
            <RecordTree value={params} />
          </>
        )}
        {body.kind !== 'none' && (
          <>
            <h3 class="call-part">{i18n.t('consent.call.body')}</h3>
            {body.kind === 'json' && <RecordTree value={body.value} />}
            {body.kind === 'text' && <SiteText text={body.text} />}
          </>
        )}
      </FromSite>
    );
  },
};
