import {
  atprotoLoopbackClientMetadata,
  buildAtprotoLoopbackClientId,
  OAuthCallbackError,
  OAuthClient,
  type OAuthClientMetadataInput,
  TokenInvalidError,
  TokenRefreshError,
  TokenRevokedError,
} from '@atproto/oauth-client-browser';
import type { SessionEndReason } from '../storage/db';
import { type ClientIdentity, LOOPBACK_REDIRECT_URI, SESSION_SCOPE } from './client-identity';

/**
 * The OAuth kit: every use of the OAuth client library's code, in one module that the background loads only
 * when it needs it (a sign-in, a token to renew, a sign-out: see ./kit-loader). Calls with a live token do
 * without it (./dpop-session). Everything else names the library's types only, which cost no code.
 */
export { createExtensionOAuthClient } from './client';

/** The default identity: works with any PDS and needs nothing hosted. */
export function loopbackIdentity(scope = SESSION_SCOPE): ClientIdentity {
  const clientId = buildAtprotoLoopbackClientId({ scope, redirect_uris: [LOOPBACK_REDIRECT_URI] });
  return {
    kind: 'loopback',
    clientId,
    redirectUri: LOOPBACK_REDIRECT_URI,
    metadata: atprotoLoopbackClientMetadata(clientId),
  };
}

/** A hosted client-metadata document, fetched and checked by the library. */
export function fetchClientMetadata(clientId: string): Promise<OAuthClientMetadataInput> {
  return OAuthClient.fetchMetadata({ clientId: clientId as `https://${string}/${string}` });
}

/** Why the library ended a session, or null when the error is not an ended session. */
export function sessionEndReason(err: unknown): SessionEndReason | null {
  if (err instanceof TokenRevokedError) return 'revoked';
  if (err instanceof TokenRefreshError) return 'refresh-refused';
  if (err instanceof TokenInvalidError) return 'rejected';
  return null;
}

/** The sign-in attempt a failed OAuth callback belongs to (the `state` it came back with). */
export function callbackState(err: unknown): string | undefined {
  return err instanceof OAuthCallbackError ? err.state : undefined;
}
