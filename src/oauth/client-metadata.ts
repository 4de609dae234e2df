import type { OAuthClientMetadataInput } from '@atproto/oauth-client-browser';
import { releaseRedirectUris } from './release-identity';
import { SESSION_SCOPE } from './session-scope';

/**
 * Every scope the extension may ask a PDS for. The authorization server
 * string-matches each requested scope against the document's `scope`, so a
 * scope asked for but missing here fails the sign-in.
 */
export const REQUESTABLE_SCOPES: readonly string[] = SESSION_SCOPE.split(' ');

/**
 * The hosted client-metadata document for `clientId` (the https URL it is
 * served at). The links sit on the same site: the PDS wants `client_uri` to be
 * a parent of the client id.
 */
export function hostedClientMetadata(clientId: string, redirectUris: readonly string[]): OAuthClientMetadataInput {
  const url = new URL(clientId);
  if (url.protocol !== 'https:') throw new TypeError(`A hosted client id must be an https URL, got "${clientId}"`);
  if (redirectUris.length === 0) throw new TypeError('A hosted client needs at least one redirect URI');
  const site = url.origin;
  return {
    client_id: clientId,
    client_name: 'AT Keyring',
    client_uri: `${site}/`,
    logo_uri: `${site}/icon-128.png`,
    policy_uri: `${site}/privacy`,
    tos_uri: `${site}/terms`,
    application_type: 'web',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: REQUESTABLE_SCOPES.join(' '),
    redirect_uris: [...redirectUris] as OAuthClientMetadataInput['redirect_uris'],
    token_endpoint_auth_method: 'none',
    dpop_bound_access_tokens: true,
  };
}

/**
 * The document as the repository keeps it (docs/client-metadata.json: two-space JSON, one trailing newline),
 * listing the redirect URLs of every extension ID that exists.
 */
export async function clientMetadataDocument(clientId: string, extraRedirectUris: readonly string[] = []) {
  const metadata = hostedClientMetadata(clientId, [...(await releaseRedirectUris()), ...extraRedirectUris]);
  return `${JSON.stringify(metadata, null, 2)}\n`;
}
