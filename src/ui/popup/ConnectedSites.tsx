import { useCallback, useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { SiteGrantView } from '../../protocol/privileged';
import { callKeyring, onExtensionPageEvent } from '../api';

/** Sites with access, what each may do as which account, and a revoke button per site. */
export function ConnectedSites() {
  const [grants, setGrants] = useState<SiteGrantView[] | null>(null);
  const [error, setError] = useState('');
  const load = useCallback(() => callKeyring('grants.list').then(setGrants, (e) => setError(e.message)), []);
  useEffect(() => {
    void load();
    return onExtensionPageEvent((e) => e.event === 'accountsChanged' && void load());
  }, [load]);

  if (grants === null) return error ? <p class="error-text">{error}</p> : null;
  const origins = [...new Set(grants.map((g) => g.origin))];
  return (
    <section>
      <h2>{i18n.t('popup.sites.heading')}</h2>
      {origins.length === 0 ? (
        <p class="note" data-testid="no-sites">
          {i18n.t('popup.sites.empty')}
        </p>
      ) : (
        <ul class="sites" data-testid="sites">
          {origins.map((origin) => (
            <li class="site" data-testid="site" data-origin={origin}>
              <div class="account-head">
                <strong class="mono">{origin}</strong>
              </div>
              {grants
                .filter((g) => g.origin === origin)
                .map((g) => (
                  <div data-testid="site-grant" data-did={g.did}>
                    {i18n.t('popup.sites.grantAccount', { handle: g.handle })}
                    <ul>
                      {g.lines.map((line) => (
                        <li>{line}</li>
                      ))}
                    </ul>
                  </div>
                ))}
              <div class="actions">
                <button
                  type="button"
                  class="danger"
                  data-testid="revoke-site"
                  onClick={async () => {
                    await callKeyring('grants.revoke', { origin }).catch((e) => setError(e.message));
                    await load();
                  }}
                >
                  {i18n.t('popup.sites.revokeButton')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
