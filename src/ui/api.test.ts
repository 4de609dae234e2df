import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { AccountError } from '../accounts/errors';
import { handlePrivilegedRequest } from '../background/privileged/channel';
import type { PrivilegedServices } from '../background/privileged/handler';
import { EXTENSION_PAGE_EVENT_CHANNEL, type ExtensionPageEvent } from '../protocol/privileged';
import { callKeyring, onExtensionPageEvent, PrivilegedRequestError } from './api';

const settings = {
  handleResolver: 'https://pds.test',
  plcDirectoryUrl: 'https://plc.test',
  allowHttp: true,
  clientId: '',
};

/** Plays the background: the real channel over a keyring that knows two operations. */
function background() {
  const sent: unknown[] = [];
  const keyring = {
    updateSettings: async (input: unknown) => ({ ...settings, ...(input as object) }),
    signOut: async () => {
      throw new AccountError('no-such-account', 'No such account.');
    },
  };
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
    sent.push(message);
    return handlePrivilegedRequest({ keyring } as unknown as PrivilegedServices, message);
  });
  return sent;
}

afterEach(() => fakeBrowser.reset());

describe('callKeyring', () => {
  it('sends the flat wire message and resolves with the result', async () => {
    const sent = background();
    expect(await callKeyring('settings.update', { settings: { allowHttp: false } })).toEqual({
      ...settings,
      allowHttp: false,
    });
    expect(sent).toEqual([{ op: 'settings.update', settings: { allowHttp: false } }]);
  });

  it('rejects with the background’s code and message', async () => {
    background();
    const failure = callKeyring('accounts.signOut', { did: 'did:plc:a' });
    await expect(failure).rejects.toBeInstanceOf(PrivilegedRequestError);
    await expect(failure).rejects.toMatchObject({ code: 'no-such-account', message: 'No such account.' });
    await expect(callKeyring('accounts.check', { did: 'not a did' })).rejects.toMatchObject({
      code: 'invalid-request',
    });
  });

  it('rejects with internal when nothing answers', async () => {
    fakeBrowser.runtime.onMessage.addListener(() => undefined);
    await expect(callKeyring('accounts.list')).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('onExtensionPageEvent', () => {
  it('hears only the background’s broadcasts, until unsubscribed', async () => {
    const heard: ExtensionPageEvent[] = [];
    const off = onExtensionPageEvent((event) => heard.push(event));
    await fakeBrowser.runtime.sendMessage({ channel: EXTENSION_PAGE_EVENT_CHANNEL, event: 'accountsChanged' });
    await fakeBrowser.runtime.sendMessage({ op: 'accounts.list' });
    off();
    fakeBrowser.runtime.onMessage.addListener(() => undefined);
    await fakeBrowser.runtime.sendMessage({ channel: EXTENSION_PAGE_EVENT_CHANNEL, event: 'accountsChanged' });
    expect(heard).toEqual([{ channel: EXTENSION_PAGE_EVENT_CHANNEL, event: 'accountsChanged' }]);
  });
});
