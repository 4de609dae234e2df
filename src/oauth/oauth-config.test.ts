import { describe, expect, it } from 'vitest';
import { hostedIdentity, LOOPBACK_REDIRECT_URI, SESSION_SCOPE } from './client-identity';
import { loopbackIdentity } from './kit';
import { matchCallback } from './redirect';
import { buildTimeSettings, DEFAULT_SETTINGS, parseSettings } from './settings';

describe('client identity', () => {
  it('builds a loopback client that needs nothing hosted', () => {
    const identity = loopbackIdentity();
    expect(identity.kind).toBe('loopback');
    const url = new URL(identity.clientId);
    expect(url.origin).toBe('http://localhost');
    expect(url.searchParams.get('redirect_uri')).toBe(LOOPBACK_REDIRECT_URI);
    expect(url.searchParams.get('scope')).toBe(SESSION_SCOPE);
    expect(identity.metadata.redirect_uris).toEqual([LOOPBACK_REDIRECT_URI]);
    expect(identity.metadata.application_type).toBe('native');
  });

  const hosted = {
    client_id: 'https://keyring.example/client-metadata.json',
    application_type: 'web' as const,
    redirect_uris: ['https://abcdef.chromiumapp.org/callback', 'https://1234.extensions.allizom.org/callback'] as [
      string,
      ...string[],
    ],
    scope: SESSION_SCOPE,
    dpop_bound_access_tokens: true,
    token_endpoint_auth_method: 'none' as const,
  };

  it("picks the hosted document's redirect URI for this browser", () => {
    const chrome = hostedIdentity(hosted.client_id, hosted as never, 'https://abcdef.chromiumapp.org/');
    expect(chrome.redirectUri).toBe('https://abcdef.chromiumapp.org/callback');
    const firefox = hostedIdentity(hosted.client_id, hosted as never, 'https://1234.extensions.allizom.org/');
    expect(firefox.redirectUri).toBe('https://1234.extensions.allizom.org/callback');
  });

  it('refuses hosted documents that cannot work', () => {
    expect(() => hostedIdentity(hosted.client_id, hosted as never, 'https://other.chromiumapp.org/')).toThrow(
      /no redirect URI for this browser/,
    );
    expect(() =>
      hostedIdentity(
        hosted.client_id,
        { ...hosted, application_type: 'native' } as never,
        'https://abcdef.chromiumapp.org/',
      ),
    ).toThrow(/application_type "web"/);
    expect(() =>
      hostedIdentity('https://elsewhere.example/c.json', hosted as never, 'https://abcdef.chromiumapp.org/'),
    ).toThrow(/another client_id/);
    expect(() =>
      hostedIdentity('http://keyring.example/c.json', hosted as never, 'https://abcdef.chromiumapp.org/'),
    ).toThrow(/https URL/);
  });
});

describe('matchCallback', () => {
  it('takes the response from the fragment of the loopback redirect, any port', () => {
    const params = matchCallback(
      `http://127.0.0.1:8080/at-keyring/callback#state=s&code=c&iss=x`,
      LOOPBACK_REDIRECT_URI,
    );
    expect(params?.get('code')).toBe('c');
    expect(
      matchCallback(`http://127.0.0.1/at-keyring/callback#state=s&code=c`, LOOPBACK_REDIRECT_URI)?.get('state'),
    ).toBe('s');
  });
  it('accepts errors in the query', () => {
    expect(
      matchCallback(`http://127.0.0.1/at-keyring/callback?state=s&error=access_denied`, LOOPBACK_REDIRECT_URI)?.get(
        'error',
      ),
    ).toBe('access_denied');
  });
  it('ignores other URLs and incomplete responses', () => {
    expect(matchCallback('http://127.0.0.1/elsewhere#state=s&code=c', LOOPBACK_REDIRECT_URI)).toBeNull();
    expect(matchCallback('http://localhost/at-keyring/callback#state=s&code=c', LOOPBACK_REDIRECT_URI)).toBeNull();
    expect(matchCallback('http://127.0.0.1/at-keyring/callback#code=c', LOOPBACK_REDIRECT_URI)).toBeNull();
    expect(matchCallback('http://127.0.0.1/at-keyring/callback#state=s', LOOPBACK_REDIRECT_URI)).toBeNull();
    expect(matchCallback('not a url', LOOPBACK_REDIRECT_URI)).toBeNull();
  });
  it('requires the exact port for non-loopback redirect URIs', () => {
    const uri = 'https://abc.chromiumapp.org/callback';
    expect(matchCallback('https://abc.chromiumapp.org/callback#state=s&code=c', uri)).not.toBeNull();
    expect(matchCallback('https://abc.chromiumapp.org:8443/callback#state=s&code=c', uri)).toBeNull();
  });
});

describe('settings', () => {
  it('defaults to the public network', () => {
    expect(buildTimeSettings({})).toEqual(DEFAULT_SETTINGS);
  });
  it('reads build-time overrides', () => {
    expect(buildTimeSettings({ WXT_HANDLE_RESOLVER: 'http://localhost:1', WXT_ALLOW_HTTP: 'true' })).toMatchObject({
      handleResolver: 'http://localhost:1',
      allowHttp: true,
    });
  });
  it('validates settings from the popup', () => {
    expect(parseSettings({ handleResolver: 'https://pds.example' }, DEFAULT_SETTINGS).handleResolver).toBe(
      'https://pds.example',
    );
    expect(() => parseSettings({ handleResolver: 'javascript:alert(1)' }, DEFAULT_SETTINGS)).toThrow(/http/);
    expect(() => parseSettings({ plcDirectoryUrl: 'nope' }, DEFAULT_SETTINGS)).toThrow(/valid URL/);
    expect(() => parseSettings({ allowHttp: 'yes' }, DEFAULT_SETTINGS)).toThrow(/boolean/);
    expect(() => parseSettings({ clientId: 'http://x.example/c.json' }, DEFAULT_SETTINGS)).toThrow(/https/);
  });
  it('offers no "Always allow" for deletions unless turned on', () => {
    expect(DEFAULT_SETTINGS.allowAlwaysForDeletes).toBe(false);
    expect(buildTimeSettings({ WXT_ALLOW_HTTP: 'true' }).allowAlwaysForDeletes).toBe(false);
    expect(parseSettings({ allowAlwaysForDeletes: true }, DEFAULT_SETTINGS).allowAlwaysForDeletes).toBe(true);
    expect(() => parseSettings({ allowAlwaysForDeletes: 'yes' }, DEFAULT_SETTINGS)).toThrow(/boolean/);
    // Settings stored before the option existed read as off.
    const { allowAlwaysForDeletes: _, ...older } = { ...DEFAULT_SETTINGS, allowHttp: true };
    expect(parseSettings(older, older as typeof DEFAULT_SETTINGS)).toEqual({
      ...DEFAULT_SETTINGS,
      allowHttp: true,
    });
  });
});
