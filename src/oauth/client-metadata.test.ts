import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostedIdentity } from './client-identity';
import { clientMetadataDocument, hostedClientMetadata, REQUESTABLE_SCOPES } from './client-metadata';
import {
  chromeExtensionId,
  DEV_EXTENSION_KEY,
  FIREFOX_ADDON_ID,
  firefoxRedirectUrl,
  RELEASE_CLIENT_ID,
  releaseRedirectUris,
} from './release-identity';
import { SESSION_SCOPE } from './session-scope';
import { buildTimeSettings } from './settings';

const COMMITTED = path.resolve(import.meta.dirname, '../../docs/client-metadata.json');

describe('the hosted client-metadata document', () => {
  it('is committed as scripts/client-metadata.ts writes it (run `npm run client-metadata` after a change)', async () => {
    // Compared as JSON: Biome formats the committed file.
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(
      JSON.parse(await clientMetadataDocument(RELEASE_CLIENT_ID)),
    );
  });

  it('lists every scope a sign-in asks for, as the PDS string-matches them', () => {
    const document = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    for (const scope of SESSION_SCOPE.split(' ')) expect(document.scope.split(' ')).toContain(scope);
    expect(REQUESTABLE_SCOPES).toContain('atproto');
  });

  it('lists the redirect URL of each extension ID and is accepted by the extension in both browsers', async () => {
    const metadata = hostedClientMetadata(RELEASE_CLIENT_ID, await releaseRedirectUris());
    expect(metadata).toMatchObject({
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      dpop_bound_access_tokens: true,
      client_uri: 'https://atkeyring.dev/',
    });
    const chrome = `https://${await chromeExtensionId(DEV_EXTENSION_KEY)}.chromiumapp.org/`;
    const firefox = await firefoxRedirectUrl(FIREFOX_ADDON_ID);
    expect(hostedIdentity(RELEASE_CLIENT_ID, metadata, chrome).redirectUri).toBe(chrome);
    expect(hostedIdentity(RELEASE_CLIENT_ID, metadata, firefox).redirectUri).toBe(firefox);
  });

  it('refuses a non-https client id and an empty redirect list', () => {
    expect(() => hostedClientMetadata('http://atkeyring.dev/c.json', ['https://x.chromiumapp.org/'])).toThrow(/https/);
    expect(() => hostedClientMetadata(RELEASE_CLIENT_ID, [])).toThrow(/redirect/);
  });
});

describe('extension IDs', () => {
  it('derives Chromium’s ID from the manifest key (SHA-256, a–p digits)', async () => {
    expect(await chromeExtensionId(DEV_EXTENSION_KEY)).toBe('comhpfdjiloknhllopegfnmfgahhjgec');
  });

  it('derives Firefox’s redirect URL from the add-on id (SHA-1)', async () => {
    expect(await firefoxRedirectUrl(FIREFOX_ADDON_ID)).toBe(
      'https://d319ec8fb35b52b7c179826d240f4f416459ae9f.extensions.allizom.org/',
    );
  });
});

describe('the client a build signs in as', () => {
  it('is the hosted client in a release build and the loopback client otherwise', () => {
    expect(buildTimeSettings({ MODE: 'release' }).clientId).toBe(RELEASE_CLIENT_ID);
    expect(buildTimeSettings({ MODE: 'production' }).clientId).toBe('');
    expect(buildTimeSettings({ MODE: 'release', WXT_OAUTH_CLIENT_ID: 'loopback' }).clientId).toBe('');
    expect(buildTimeSettings({ WXT_OAUTH_CLIENT_ID: 'https://a.example/c.json' }).clientId).toBe(
      'https://a.example/c.json',
    );
  });
});
