import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { GrantDuration } from '../../broker/grant-expiry';
import type { PromptView } from '../../protocol/privileged';
import { callKeyring, onExtensionPageEvent } from '../api';
import { SignInForm } from '../popup/SignInForm';
import { richText } from '../rich-text';
import { ApprovalGuard } from './approval-guard';
import { ConnectScopes } from './ConnectScopes';
import { ConsentActions } from './ConsentActions';
import { CallContent } from './call/CallContent';
import { useConsentKeyboard } from './keyboard';
import { preselect, selectable } from './preselect';
import { WhoAsks } from './WhoAsks';

/** The consent window: one question from one site, answered by the user. */
export function ConsentApp({ promptId }: { promptId: string }) {
  const [view, setView] = useState<PromptView | null | undefined>(undefined);
  const [chosen, setChosen] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const [armed, setArmed] = useState(false);
  const guard = useRef<ApprovalGuard | null>(null);

  const load = useCallback(async () => {
    const next = await callKeyring('prompt.get', { id: promptId }).catch(() => null);
    setView(next);
    if (next) setChosen((current) => preselect(next, current));
  }, [promptId]);

  // A layout effect: the question is asked for before the first frame, not after it (bench section 7).
  useLayoutEffect(() => {
    void load();
    // Re-reading the prompt every few seconds also keeps Firefox's event page
    // awake while the user thinks (it suspends an idle one after 30 s).
    const timer = setInterval(() => void load(), 5_000);
    const off = onExtensionPageEvent((e) => e.event === 'accountsChanged' && void load());
    return () => {
      clearInterval(timer);
      off();
    };
  }, [load]);

  // The approving buttons wait a moment after the question appears (and after
  // anything that moves them: the account list changing), and after each
  // return of focus or visibility: see ApprovalGuard.
  const shownKey = view ? `${view.prompt.id}/${selectable(view.accounts).length}` : '';
  useEffect(() => {
    if (!shownKey) return;
    if (!guard.current) guard.current = new ApprovalGuard(window, document, setArmed);
    else guard.current.restart();
  }, [shownKey]);
  useEffect(() => () => guard.current?.dispose(), []);

  // The window's title names the site, as the heading does.
  useEffect(() => {
    if (view) document.title = i18n.t('consent.windowTitle', { origin: view.prompt.origin });
  }, [view?.prompt.origin]);

  const decide = async (
    outcome: 'approve' | 'reject',
    extra: { did?: string; remember?: boolean; duration?: GrantDuration } = {},
  ) => {
    if (outcome === 'approve' && !guard.current?.armed) return;
    setBusy(true);
    try {
      await callKeyring('prompt.decide', { id: promptId, outcome, ...extra });
      window.close();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  // Focus starts on the question, Escape refuses, Enter approves nothing by accident: see keyboard.ts.
  useConsentKeyboard({ shownId: view?.prompt.id, canReject: view !== null && !busy, onEscape: () => decide('reject') });

  if (view === undefined)
    return (
      <main class="consent">
        <p class="note">{i18n.t('consent.loading')}</p>
      </main>
    );
  if (view === null) {
    return (
      <main class="consent">
        <p data-testid="prompt-gone">{i18n.t('consent.gone')}</p>
      </main>
    );
  }
  const { prompt, lines, accounts } = view;
  const usable = selectable(accounts);
  const chosenUsable = usable.some((a) => a.did === chosen);

  return (
    <main class="consent" data-testid="consent" data-kind={prompt.kind}>
      <WhoAsks view={view} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {prompt.details.kind === 'call' && (
        <p class="note">
          {richText('consent.callNote', {
            account: (
              <strong>@{accounts.find((a) => a.did === (prompt.details as { did: string }).did)?.handle}</strong>
            ),
            method: <code>{prompt.details.method}</code>,
          })}
        </p>
      )}
      {view.scopes ? (
        <ConnectScopes scopes={view.scopes} />
      ) : (
        <>
          <p class="note">{i18n.t('consent.permissionsMoreAccess')}</p>
          <ul class="permissions" data-testid="consent-permissions">
            {lines.map((line) => (
              <li>{line}</li>
            ))}
          </ul>
        </>
      )}
      {prompt.details.kind === 'call' && <CallContent view={view} details={prompt.details} />}
      <p class="note">{i18n.t('consent.reassurance')}</p>

      {prompt.kind === 'connect' &&
        (usable.length === 0 ? (
          <>
            <p data-testid="consent-no-accounts">{i18n.t('consent.noAccounts')}</p>
            <SignInForm
              busy={busy}
              onSubmit={(input) => callKeyring('login.start', { input }).catch((e) => setError(e.message))}
            />
          </>
        ) : (
          <fieldset class="accounts-pick">
            <legend>{i18n.t('consent.accountLegend')}</legend>
            {usable.map((a) => (
              <label data-testid="consent-account">
                <input
                  type="radio"
                  name="account"
                  value={a.did}
                  checked={chosen === a.did}
                  onChange={() => setChosen(a.did)}
                />
                @{a.handle}
              </label>
            ))}
          </fieldset>
        ))}

      <ConsentActions
        view={view}
        busy={busy}
        armed={armed}
        accountChosen={chosenUsable}
        onReject={() => decide('reject')}
        onApprove={(remember, duration) =>
          decide(
            'approve',
            prompt.kind === 'connect' ? { did: chosen, duration } : { remember, ...(remember && { duration }) },
          )
        }
      />
    </main>
  );
}
