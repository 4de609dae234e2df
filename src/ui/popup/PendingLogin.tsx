import { i18n } from '#i18n';
import type { LoginAttempt } from '../../accounts/keyring';
import { callKeyring } from '../api';

/**
 * A sign-in waiting at the server's pages: its window can be brought back (loopback client: the background
 * opened it) or the sign-in cancelled, which closes that window.
 */
export function PendingLogin(props: { login: LoginAttempt; onGone(): void; onCancelled(): void }) {
  const { login } = props;
  return (
    <div class="pending-login" data-testid="login-pending" role="status">
      <p class="note">{i18n.t('popup.signIn.pending', { input: login.input })}</p>
      <div class="actions">
        {login.windowId !== undefined && (
          <button
            type="button"
            class="secondary"
            data-testid="login-focus"
            onClick={() =>
              // Gone (closed meanwhile): read the sign-in again, which says how it ended.
              void callKeyring('login.focus', { id: login.id }).then((shown) => shown || props.onGone())
            }
          >
            {i18n.t('popup.signIn.showWindowButton')}
          </button>
        )}
        <button
          type="button"
          class="secondary"
          data-testid="login-cancel"
          onClick={() => void callKeyring('login.cancel', { id: login.id }).then(props.onCancelled)}
        >
          {i18n.t('popup.signIn.cancelButton')}
        </button>
      </div>
    </div>
  );
}
