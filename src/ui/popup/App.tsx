import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { i18n } from '#i18n';
import type { AccountList, LoginAttempt } from '../../accounts/keyring';
import type { AccountRecord } from '../../storage/db';
import { activityPageUrl } from '../activity/page-url';
import { callKeyring, onExtensionPageEvent, PrivilegedRequestError } from '../api';
import { AccountCard, type CheckView } from './AccountCard';
import { ConnectedSites } from './ConnectedSites';
import { ensureLoopbackPermission } from './loopback-permission';
import { PendingLogin } from './PendingLogin';
import { pendingLogin } from './pending-login';
import { type AccountProfile, accountProfiles, refreshProfiles } from './profiles';
import { RecentWrites } from './RecentWrites';
import { ResignPanel } from './ResignPanel';
import { SignInForm } from './SignInForm';
import { SiteAccess } from './SiteAccess';
import { signInErrorText } from './sign-in-errors';

export function App() {
  const [list, setList] = useState<AccountList | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [login, setLogin] = useState<LoginAttempt | null>(null);
  const [checks, setChecks] = useState<Record<string, CheckView>>({});
  const [profiles, setProfiles] = useState<Record<string, AccountProfile>>({});
  // The client id of the settings (empty: the loopback client); undefined until read.
  const [clientId, setClientId] = useState<string>();

  const refresh = useCallback(async () => {
    try {
      const next = await callKeyring('accounts.list');
      setList(next);
      // Names and pictures: the kept copies at once, fresh ones after the popup has painted.
      const dids = next.accounts.map((a) => a.did);
      const cached = await accountProfiles.getValue();
      setProfiles(cached);
      void refreshProfiles(dids, cached, (did, profile) => setProfiles((p) => ({ ...p, [did]: profile })));
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);

  const followLogin = useCallback(
    async (id: string) => {
      const status = await callKeyring('login.status', { id }).catch(() => null);
      if (!status) return pendingLogin.removeValue();
      setLogin(status);
      if (status.status !== 'pending') {
        await pendingLogin.removeValue();
        // A cancel is the user's own doing: nothing to tell them.
        if (status.status === 'failed' && status.error?.code !== 'login-cancelled')
          setError(
            status.error
              ? signInErrorText(status.error.code, status.input, status.error.message)
              : i18n.t('popup.signIn.failed'),
          );
        await refresh();
      }
    },
    [refresh],
  );

  useEffect(() => {
    void refresh();
    callKeyring('settings.get').then(
      (settings) => setClientId(settings.clientId),
      () => {},
    );
    void pendingLogin.getValue().then((pending) => {
      if (pending) void followLogin(pending);
    });
    return onExtensionPageEvent((event) => {
      if (event.event === 'accountsChanged') void refresh();
      if (event.event === 'loginFinished') void followLogin(event.loginId);
    });
  }, [refresh, followLogin]);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await action();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
      await refresh();
    }
  };

  const startLogin = (input: string) => {
    // Asked before anything is awaited: the click is the user gesture the browser wants.
    const permitted = ensureLoopbackPermission(clientId);
    return run(async () => {
      if (!(await permitted)) throw new Error(i18n.t('popup.signIn.loopbackPermissionRefused'));
      const attempt = await callKeyring('login.start', { input }).catch((err: Error) => {
        const code = err instanceof PrivilegedRequestError ? err.code : undefined;
        throw new Error(signInErrorText(code, input, err.message));
      });
      await pendingLogin.setValue(attempt.id);
      setLogin(attempt);
    });
  };

  return (
    <main>
      <header class="popup-header">
        <h1>{i18n.t('extension.name')}</h1>
        <a href={activityPageUrl()} target="_blank" rel="noopener" data-testid="popup-activity">
          {i18n.t('popup.activityLink')}
        </a>
      </header>
      <RecentWrites />
      {list && (
        <ResignPanel accounts={list.accounts} busy={busy} onSignInAgain={(account) => startLogin(account.handle)} />
      )}
      {error && (
        <p class="error" role="alert" data-testid="error">
          {error}
        </p>
      )}
      {login?.status === 'pending' && (
        <PendingLogin
          login={login}
          onGone={() => void followLogin(login.id)}
          onCancelled={async () => {
            setLogin(null);
            await pendingLogin.removeValue();
          }}
        />
      )}
      {list === null ? (
        <p class="note">{i18n.t('popup.loading')}</p>
      ) : list.accounts.length === 0 ? (
        <p class="note" data-testid="no-accounts">
          {i18n.t('popup.accounts.empty')}
        </p>
      ) : (
        <ul class="accounts" data-testid="accounts">
          {list.accounts.map((account) => (
            <AccountCard
              key={account.did}
              account={account}
              active={account.did === list.activeDid}
              busy={busy}
              profile={profiles[account.did]}
              check={checks[account.did]}
              onUse={() => run(() => callKeyring('accounts.setActive', { did: account.did }))}
              onSignInAgain={() => startLogin(account.handle)}
              onSignOut={() => run(() => callKeyring('accounts.signOut', { did: account.did }))}
              onCheck={() =>
                run(async () => {
                  const check = await checkAccount(account);
                  setChecks((c) => ({ ...c, [account.did]: check }));
                  // A check reads the profile again too (a new avatar shows at once).
                  if (check.kind === 'ok')
                    void refreshProfiles([account.did], {}, (did, profile) =>
                      setProfiles((p) => ({ ...p, [did]: profile })),
                    );
                })
              }
            />
          ))}
        </ul>
      )}
      <SignInForm busy={busy} onSubmit={startLogin} />
      <ConnectedSites />
      <SiteAccess />
      <p class="popup-footer">
        <button
          type="button"
          class="link"
          onClick={() => void browser.runtime.openOptionsPage()}
          data-testid="open-options"
        >
          {i18n.t('popup.settingsLink')}
        </button>
      </p>
    </main>
  );
}

/** One Check, in the card's words: the server's answer, or why there is none. */
async function checkAccount({ did, pds }: AccountRecord): Promise<CheckView> {
  try {
    const result = await callKeyring('accounts.check', { did });
    return { kind: 'ok', handle: result.handle };
  } catch (err) {
    const code = err instanceof PrivilegedRequestError ? err.code : 'internal';
    if (code === 'pds-unreachable') return { kind: 'unreachable', host: new URL(pds).host };
    if (code === 'session-expired') return { kind: 'ended' };
    return { kind: 'failed', message: (err as Error).message };
  }
}
