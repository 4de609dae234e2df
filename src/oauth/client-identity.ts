import type { OAuthClientMetadataInput } from '@atproto/oauth-client-browser';
import { SESSION_SCOPE } from './session-scope';

export { SESSION_SCOPE };

/**
 * Where the PDS sends the browser back for the loopback client. Nothing
 * listens there: the background sees the navigation and takes the parameters
 * (see ./redirect-capture). Port-less, so no local process is addressed.
 */
export const LOOPBACK_REDIRECT_URI = 'http://127.0.0.1/at-keyring/callback';

/** How the extension identifies itself to authorization servers. */
export type ClientIdentity =
  | { kind: 'loopback'; clientId: string; redirectUri: string; metadata: OAuthClientMetadataInput }
  | { kind: 'hosted'; clientId: string; redirectUri: string; metadata: OAuthClientMetadataInput };

/**
 * A hosted client-metadata document (set at build time) lets the PDS show the
 * extension's name and remember consent. Its `redirect_uris` must include this
 * browser's extension redirect URL (`identity.getRedirectURL()`: a
 * `https://<id>.chromiumapp.org/` URL in Chrome, an `allizom.org` one in Firefox).
 */
export function hostedIdentity(
  clientId: string,
  metadata: OAuthClientMetadataInput,
  browserRedirectBase: string,
): ClientIdentity {
  if (!clientId.startsWith('https://')) {
    throw new ClientIdentityError(`A hosted client id must be an https URL, got "${clientId}"`);
  }
  if (metadata.client_id !== undefined && metadata.client_id !== clientId) {
    throw new ClientIdentityError(`Client metadata at ${clientId} names another client_id`);
  }
  if (metadata.application_type !== 'web') {
    throw new ClientIdentityError('Hosted client metadata must have application_type "web"');
  }
  const base = browserRedirectBase.replace(/\/?$/, '/');
  const redirectUri = metadata.redirect_uris.find((uri) => uri.startsWith(base));
  if (!redirectUri) {
    throw new ClientIdentityError(
      `Client metadata at ${clientId} has no redirect URI for this browser (expected one under ${base})`,
    );
  }
  return { kind: 'hosted', clientId, redirectUri, metadata: { ...metadata, client_id: clientId } };
}

export class ClientIdentityError extends Error {
  name = 'ClientIdentityError';
}
