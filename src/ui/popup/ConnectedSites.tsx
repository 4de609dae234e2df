import { useCallback, useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { SiteGrantView } from '../../protocol/privileged';
import { callKeyring, onExtensionPageEvent } from '../api';
import { DeletePolicy } from './DeletePolicy';
import { SiteCard } from './SiteCard';

/** Beyond this many connected sites, each shows as one line that opens (the popup stays short). */
export const COLLAPSE_SITES_OVER = 5;

import { UndoToast } from './UndoToast';

/** Sites with access, what each may do as which account (editable), revokes with undo, the delete policy. */
export function ConnectedSites() {
  const [grants, setGrants] = useState<SiteGrantView[] | null>(null);
  const [error, setError] = useState('');
  const [undo, setUndo] = useState<{ message: string; token: string } | null>(null);
  const load = useCallback(() => callKeyring('grants.list').then(setGrants, (e) => setError(e.message)), []);
  useEffect(() => {
    void load();
    return onExtensionPageEvent((e) => e.event === 'accountsChanged' && void load());
  }, [load]);
  const dismiss = useCallback(() => setUndo(null), []);

  const act = async (action: () => Promise<unknown>) => {
    setError('');
    await action().catch((e) => setError(e.message));
    await load();
  };
  const revoke = (origin: string, grant?: SiteGrantView) =>
    act(async () => {
      const { undoToken } = await callKeyring('grants.revoke', { origin, ...(grant && { did: grant.did }) });
      const message = grant
        ? i18n.t('popup.sites.revokedAccount', { origin, handle: grant.handle })
        : i18n.t('popup.sites.revokedSite', { origin });
      setUndo({ message, token: undoToken });
    });

  if (grants === null) return error ? <p class="error-text">{error}</p> : null;
  const origins = [...new Set(grants.map((g) => g.origin))];
  return (
    <section>
      <h2>{i18n.t('popup.sites.heading')}</h2>
      {error && <p class="error-text">{error}</p>}
      <DeletePolicy onError={setError} />
      {origins.length === 0 ? (
        <p class="note" data-testid="no-sites">
          {i18n.t('popup.sites.empty')}
        </p>
      ) : (
        <ul class="sites" data-testid="sites">
          {origins.map((origin) => (
            <SiteCard
              key={origin}
              origin={origin}
              grants={grants.filter((g) => g.origin === origin)}
              onRemoveScope={(g, scope) => act(() => callKeyring('grants.removeScope', { origin, did: g.did, scope }))}
              onRevoke={(g) => revoke(origin, g)}
              collapsed={origins.length > COLLAPSE_SITES_OVER}
            />
          ))}
        </ul>
      )}
      {undo && (
        <UndoToast
          message={undo.message}
          onDismiss={dismiss}
          onUndo={() =>
            act(async () => {
              setUndo(null);
              await callKeyring('grants.restore', { undoToken: undo.token });
            })
          }
        />
      )}
    </section>
  );
}
