import { describe, expect, it } from 'vitest';
import { openKeyringDB } from '../storage/db';
import { SESSION_SCOPE } from './client-identity';
import { OAuthClientLifecycle } from './client-lifecycle';
import { DEFAULT_SETTINGS, type NetworkSettings } from './settings';
import { createOAuthStores } from './stores';

const CLIENT_ID = 'https://keyring.example/client-metadata.json';
const hostedMetadata = {
  client_id: CLIENT_ID,
  application_type: 'web' as const,
  redirect_uris: ['https://abc.chromiumapp.org/callback'] as [string],
  scope: SESSION_SCOPE,
  dpop_bound_access_tokens: true,
  token_endpoint_auth_method: 'none' as const,
};

let dbCounter = 0;

async function lifecycle(settings: () => NetworkSettings, fetchClientMetadata = async () => hostedMetadata) {
  const fetched: string[] = [];
  const db = await openKeyringDB(`client-lifecycle-${++dbCounter}`);
  const oauth = new OAuthClientLifecycle({
    stores: () => createOAuthStores(db),
    kit: () => import('./kit'),
    settings: async () => settings(),
    fetchClientMetadata: async (clientId) => {
      fetched.push(clientId);
      return fetchClientMetadata();
    },
    redirectBase: () => 'https://abc.chromiumapp.org/',
    onSessionUpdated: () => {},
    onSessionDeleted: () => {},
  });
  return { oauth, fetched };
}

describe('OAuthClientLifecycle', () => {
  it('builds the loopback client on first use and shares it until reset', async () => {
    let settings = DEFAULT_SETTINGS;
    const { oauth, fetched } = await lifecycle(() => settings);
    const first = await oauth.get();
    expect(first.identity.kind).toBe('loopback');
    expect(await oauth.get()).toBe(first);
    settings = { ...DEFAULT_SETTINGS, clientId: CLIENT_ID };
    expect(await oauth.get()).toBe(first);
    oauth.reset();
    const second = await oauth.get();
    expect(second.client).not.toBe(first.client);
    expect(second.identity).toMatchObject({ kind: 'hosted', redirectUri: 'https://abc.chromiumapp.org/callback' });
    expect(fetched).toEqual([CLIENT_ID]);
  });

  it('tries again after a build that failed', async () => {
    let reachable = false;
    const { oauth } = await lifecycle(
      () => ({ ...DEFAULT_SETTINGS, clientId: CLIENT_ID }),
      async () => {
        if (!reachable) throw new TypeError('Failed to fetch');
        return hostedMetadata;
      },
    );
    await expect(oauth.get()).rejects.toThrow('Failed to fetch');
    reachable = true;
    expect((await oauth.get()).identity.kind).toBe('hosted');
  });
});
