import { i18n } from '#i18n';
import type { AccountRef } from '../../../consent/records';
import { richText } from '../../rich-text';
import { SiteText } from '../SiteText';
import { AccountAvatar } from './AccountAvatar';
import { lookupFailedLine } from './lookup-text';

/**
 * An account a record names: its avatar (or a letter badge), "@handle" with the DID beside it. A handle that
 * does not resolve back to the DID is struck through and warned about: the
 * DID document's claim alone proves nothing.
 */
export function AccountLine({ account }: { account: AccountRef }) {
  const { did, identity } = account;
  const handle = identity.ok ? identity.value.handle : undefined;
  const status = identity.ok && handle ? (identity.value.handleStatus ?? 'unchecked') : 'none';
  const shownHandle = handle && (
    <span class={status === 'verified' ? 'handle' : 'handle unverified'}>
      @<SiteText text={handle} max={253} />
    </span>
  );
  return (
    <span class="account-ref" data-testid="preview-account" data-did={did} data-handle-status={status}>
      <AccountAvatar did={did} {...(handle ? { handle } : {})} />
      {shownHandle || <span class="note">{i18n.t('consent.preview.account.noHandle')}</span>}{' '}
      <code class="did">
        <SiteText text={did} max={256} />
      </code>
      {status === 'mismatch' && (
        <span class="preview-warning" data-testid="preview-handle-mismatch">
          {' '}
          {richText('consent.preview.account.mismatch', {
            handle: (
              <>
                @<SiteText text={handle ?? ''} max={253} />
              </>
            ),
          })}
        </span>
      )}
      {status === 'unchecked' && <span class="note"> {i18n.t('consent.preview.account.unchecked')}</span>}
      {!identity.ok && (
        <span class="note" data-testid="preview-lookup-failed">
          {' '}
          {lookupFailedLine(identity.failure)}
        </span>
      )}
    </span>
  );
}
