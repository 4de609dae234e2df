import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { SiteGrantView } from '../../protocol/privileged';
import { activityPageUrl } from '../activity/page-url';
import { relativeTime } from '../format';
import { ConfirmRevoke } from './ConfirmRevoke';
import { NotifyToggle } from './NotifyToggle';

export interface SiteCardProps {
  origin: string;
  /** The site's grants, one per account, its current account first. */
  grants: SiteGrantView[];
  onRemoveScope(grant: SiteGrantView, scope: string): void;
  /** Revokes one account's grant (`grant`) or, without it, the whole site's. */
  onRevoke(grant?: SiteGrantView): Promise<void>;
  /** One line (the site, its accounts, when last used) that opens to the rest. */
  collapsed?: boolean;
}

/** One connected site: per account, each permission in plain words with a remove button; revokes that ask first. */
export function SiteCard(props: SiteCardProps) {
  const { origin, collapsed } = props;
  if (!collapsed)
    return (
      <li class="site" data-testid="site" data-origin={origin}>
        <div class="account-head">
          <strong class="mono">{origin}</strong>
        </div>
        <SiteDetails {...props} />
      </li>
    );
  return <CollapsedSite {...props} />;
}

/** A site as one line; what is under it is drawn (and its "notify" setting read) only once opened. */
function CollapsedSite(props: SiteCardProps) {
  const { origin, grants } = props;
  const [open, setOpen] = useState(false);
  const lastUsed = Math.max(0, ...grants.map((g) => g.lastUsedAt ?? 0));
  return (
    <li class="site" data-testid="site" data-origin={origin}>
      <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>
          <strong class="mono">{origin}</strong>{' '}
          <span class="note">
            {grants.map((g) => `@${g.handle}`).join(', ')} ·{' '}
            {lastUsed
              ? i18n.t('popup.sites.lastUsed', { when: relativeTime(lastUsed) })
              : i18n.t('popup.sites.notUsed')}
          </span>
        </summary>
        {open && <SiteDetails {...props} />}
      </details>
    </li>
  );
}

function SiteDetails({ origin, grants, onRemoveScope, onRevoke }: SiteCardProps) {
  return (
    <>
      {grants.map((g) => (
        <div class="site-grant" data-testid="site-grant" data-did={g.did}>
          <div class="site-grant-head">
            <span>{i18n.t('popup.sites.grantAccount', { handle: g.handle })}</span>
            <span class="note" data-testid="grant-last-used">
              {g.lastUsedAt
                ? i18n.t('popup.sites.lastUsed', { when: relativeTime(g.lastUsedAt) })
                : i18n.t('popup.sites.notUsed')}
            </span>
          </div>
          {g.expiresAt !== undefined && (
            <p class="note" data-testid="grant-ends">
              {i18n.t('popup.sites.grantEnds', { when: relativeTime(g.expiresAt) })}
            </p>
          )}
          <ul class="grant-scopes">
            {g.scopes.map((s) => (
              <li data-testid="grant-scope" data-scope={s.scope}>
                <span>
                  {s.text}
                  {s.expiresAt !== undefined && (
                    <span class="note scope-ends" data-testid="scope-ends">
                      {i18n.t('popup.sites.scopeEnds', { when: relativeTime(s.expiresAt) })}
                    </span>
                  )}
                </span>
                {s.removable && (
                  <button
                    type="button"
                    class="secondary small"
                    aria-label={i18n.t('popup.sites.removeScopeLabel', { permission: s.text })}
                    onClick={() => onRemoveScope(g, s.scope)}
                    data-testid="remove-scope"
                  >
                    {i18n.t('popup.sites.removeScopeButton')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {grants.length > 1 && (
            <ConfirmRevoke
              label={i18n.t('popup.sites.revokeAccountButton')}
              question={i18n.t('popup.sites.confirmRevokeAccount', { origin, handle: g.handle })}
              testId="revoke-account"
              onConfirm={() => onRevoke(g)}
            />
          )}
        </div>
      ))}
      <NotifyToggle origin={origin} />
      <a href={activityPageUrl({ origin })} target="_blank" rel="noopener" data-testid="site-activity">
        {i18n.t('popup.sites.activityLink')}
      </a>
      <ConfirmRevoke
        label={i18n.t('popup.sites.revokeSiteButton')}
        question={i18n.t('popup.sites.confirmRevokeSite', { origin })}
        testId="revoke-site"
        onConfirm={() => onRevoke()}
      />
    </>
  );
}
