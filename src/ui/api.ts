import { browser } from 'wxt/browser';
import type { AccountList, LoginAttempt } from '../accounts/keyring';
import type { SiteGrantView } from '../background/popup-router';
import type { NetworkSettings } from '../oauth/settings';
import { POPUP_EVENT_CHANNEL, type PopupEvent, type PopupRequest, type PopupResponse } from '../protocol/popup';
import type { AccountRecord, PromptRecord } from '../storage/db';

/** A failed privileged request, with the background's stable code. */
export class KeyringRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(request: PopupRequest): Promise<T> {
  const response = (await browser.runtime.sendMessage(request)) as PopupResponse<T> | undefined;
  if (!response) throw new KeyringRequestError('internal', 'AT Keyring did not answer. Try again.');
  if (!response.ok) throw new KeyringRequestError(response.error.code, response.error.message);
  return response.result;
}

/** Typed calls from extension pages to the background. */
export const keyringApi = {
  listAccounts: () => call<AccountList>({ op: 'accounts.list' }),
  setActive: (did: string) => call<null>({ op: 'accounts.setActive', did }),
  signOut: (did: string) => call<{ revokedAtServer: boolean }>({ op: 'accounts.signOut', did }),
  check: (did: string) => call<{ did: string; handle: string; status: number }>({ op: 'accounts.check', did }),
  startLogin: (input: string) => call<LoginAttempt>({ op: 'login.start', input }),
  loginStatus: (id: string) => call<LoginAttempt | null>({ op: 'login.status', id }),
  getSettings: () => call<NetworkSettings>({ op: 'settings.get' }),
  updateSettings: (settings: NetworkSettings) => call<NetworkSettings>({ op: 'settings.update', settings }),
  getPrompt: (id: string) =>
    call<{ prompt: PromptRecord; lines: string[]; accounts: AccountRecord[]; activeDid: string | null } | null>({
      op: 'prompt.get',
      id,
    }),
  decidePrompt: (id: string, outcome: 'approve' | 'reject', extra: { did?: string; remember?: boolean } = {}) =>
    call<boolean>({ op: 'prompt.decide', id, outcome, ...extra }),
  listGrants: () => call<SiteGrantView[]>({ op: 'grants.list' }),
  revokeSite: (origin: string) => call<null>({ op: 'grants.revoke', origin }),
};

export function onKeyringEvent(listener: (event: PopupEvent) => void): () => void {
  const handler = (message: unknown) => {
    if (typeof message === 'object' && message && (message as { channel?: string }).channel === POPUP_EVENT_CHANNEL) {
      listener(message as PopupEvent);
    }
  };
  browser.runtime.onMessage.addListener(handler);
  return () => browser.runtime.onMessage.removeListener(handler);
}
