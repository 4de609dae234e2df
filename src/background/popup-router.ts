import { KeyringError } from '../accounts/errors';
import type { Keyring } from '../accounts/keyring';
import type { Broker } from '../broker/broker';
import type { GrantStore } from '../broker/grants';
import type { PromptManager } from '../broker/prompts';
import { describeScope } from '../permissions/describe';
import { type PopupRequest, type PopupResponse, popupRequest } from '../protocol/popup';
import { SchemaError } from '../protocol/schema';

export interface PrivilegedContext {
  keyring: Keyring;
  broker: Broker;
  grants: GrantStore;
  prompts: PromptManager;
}

/**
 * True only for the extension's own pages (popup, consent window). Content
 * scripts share the extension id but run inside web pages, so the sender's
 * URL (set by the browser) must be an extension page.
 */
export function isExtensionPage(
  sender: { id?: string; url?: string },
  extensionId: string,
  extensionOrigin: string,
): boolean {
  return sender.id === extensionId && (sender.url ?? '').startsWith(extensionOrigin);
}

export async function handlePopupRequest(ctx: PrivilegedContext, raw: unknown): Promise<PopupResponse> {
  let request: PopupRequest;
  try {
    request = popupRequest(raw);
  } catch (err) {
    const message = err instanceof SchemaError ? err.message : 'Malformed request';
    return { ok: false, error: { code: 'invalid-request', message } };
  }
  try {
    return { ok: true, result: await dispatch(ctx, request) };
  } catch (err) {
    if (err instanceof KeyringError) return { ok: false, error: { code: err.code, message: err.message } };
    console.error('AT Keyring: popup request failed', request.op, err);
    return { ok: false, error: { code: 'internal', message: 'Something went wrong inside AT Keyring.' } };
  }
}

/** A site's grants as the popup shows them. */
export interface SiteGrantView {
  origin: string;
  did: string;
  handle: string;
  scope: string;
  lines: string[];
}

async function dispatch(
  { keyring, broker, grants, prompts }: PrivilegedContext,
  request: PopupRequest,
): Promise<unknown> {
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
    case 'prompt.get': {
      const prompt = await prompts.get(request.id);
      if (!prompt) return null;
      const lines =
        prompt.details.kind === 'connect' ? prompt.details.scope.map(describeScope) : prompt.details.summary;
      return { prompt, lines, ...(await keyring.listAccounts()) };
    }
    case 'prompt.decide':
      return prompts.decide(
        request.id,
        request.outcome === 'approve'
          ? { outcome: 'approve', did: request.did, remember: request.remember }
          : { outcome: 'reject', reason: 'denied' },
      );
    case 'grants.list': {
      const { accounts } = await keyring.listAccounts();
      const all = await grants.all();
      return all
        .sort((a, b) => a.origin.localeCompare(b.origin) || b.selectedAt - a.selectedAt)
        .map(
          (g): SiteGrantView => ({
            origin: g.origin,
            did: g.did,
            handle: accounts.find((a) => a.did === g.did)?.handle ?? g.did,
            scope: g.scope,
            lines: g.scope.split(' ').map(describeScope),
          }),
        );
    }
    case 'grants.revoke':
      return broker.revokeSite(request.origin).then(() => null);
  }
}
