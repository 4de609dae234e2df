import { useEffect, useMemo, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { type LexiconVerdict, validateRecord } from '../../consent/lexicon';
import { isPlainObject } from '../../protocol/basics';
import { richText } from '../rich-text';
import { SiteText } from './SiteText';

/** Longest validator message shown (it quotes the site's field names). */
const MESSAGE_MAX = 500;

/**
 * AT Keyring's verdict on a record: matches its lexicon, does not (a warning,
 * with the validator's reason), or no lexicon is known. Drop it beside any
 * record the window shows: `<LexiconCheck record={value} collection={nsid} />`
 * (collection: the repo write's, when there is one). The validator loads
 * lazily; the line says so meanwhile.
 */
export function LexiconCheck({ record, collection }: { record: unknown; collection?: string }) {
  const [verdict, setVerdict] = useState<LexiconVerdict | undefined>(undefined);
  // The window re-reads its prompt every few seconds: check again only when the record changed.
  const identity = useMemo(() => JSON.stringify(record) ?? '', [record]);
  useEffect(() => {
    let current = true;
    setVerdict(undefined);
    validateRecord(JSON.parse(identity || 'null'), collection).then(
      (v) => current && setVerdict(v),
      (err: unknown) => current && setVerdict({ status: 'invalid', message: String(err) }),
    );
    return () => {
      current = false;
    };
  }, [identity, collection]);

  const type = collection ?? (isPlainObject(record) && typeof record.$type === 'string' ? record.$type : undefined);
  const typeCode = (
    <code>
      <SiteText text={type ?? ''} max={200} />
    </code>
  );
  if (!verdict)
    return (
      <p class="lexicon-check note" data-testid="lexicon-check" data-status="checking">
        {i18n.t('consent.lexicon.checking')}
      </p>
    );
  return (
    <p
      class={`lexicon-check ${verdict.status === 'invalid' ? 'warning' : verdict.status}`}
      data-testid="lexicon-check"
      data-status={verdict.status}
    >
      {verdict.status === 'valid' && richText('consent.lexicon.valid', { type: typeCode })}
      {verdict.status === 'invalid' &&
        richText('consent.lexicon.invalid', {
          type: typeCode,
          message: (
            <span class="lexicon-message">
              <SiteText text={verdict.message} max={MESSAGE_MAX} />
            </span>
          ),
        })}
      {verdict.status === 'unknown' &&
        (type === undefined
          ? i18n.t('consent.lexicon.noType')
          : richText('consent.lexicon.unknown', { type: typeCode }))}
    </p>
  );
}
