import type { Keyring } from '../accounts/keyring';
import { KeyringError } from '../accounts/errors';
import { popupRequest, type PopupRequest, type PopupResponse } from '../protocol/popup';
import { SchemaError } from '../protocol/schema';

/**
 * True only for the extension's own pages (popup, consent window). Content
 * scripts share the extension id but run inside web pages, so the sender's URL
 * (set by the browser) must be one of ours and no tab page may be involved
 * unless that tab shows an extension page.
 */
export function isExtensionPage(sender: { id?: string; url?: string; origin?: string }, extensionId: string, extensionOrigin: string): boolean {
  if (sender.id !== extensionId) return false;
  const url = sender.url ?? '';
  return url.startsWith(extensionOrigin);
}

export async function handlePopupRequest(keyring: Keyring, raw: unknown): Promise<PopupResponse> {
  let request: PopupRequest;
  try {
    request = popupRequest(raw);
  } catch (err) {
    const message = err instanceof SchemaError ? err.message : 'Malformed request';
    return { ok: false, error: { code: 'invalid-request', message } };
  }
  try {
    return { ok: true, result: await dispatch(keyring, request) };
  } catch (err) {
    if (err instanceof KeyringError) return { ok: false, error: { code: err.code, message: err.message } };
    console.error('AT Keyring: popup request failed', request.op, err);
    return { ok: false, error: { code: 'internal', message: 'Something went wrong inside AT Keyring.' } };
  }
}

function dispatch(keyring: Keyring, request: PopupRequest): Promise<unknown> {
  switch (request.op) {
    case 'accounts.list':
      return keyring.listAccounts();
    case 'accounts.setActive':
      return keyring.setActive(request.did).then(() => null);
    case 'accounts.signOut':
      return keyring.signOut(request.did);
    case 'accounts.check':
      return keyring.checkSession(request.did);
    case 'login.start':
      return keyring.startLogin(request.input);
    case 'login.status':
      return keyring.loginStatus(request.id);
    case 'settings.get':
      return keyring.settings();
    case 'settings.update':
      return keyring.updateSettings(request.settings);
  }
}
