/** Stable codes the popup turns into plain words; messages are already plain. */
export type KeyringErrorCode =
  | 'invalid-input'
  | 'unknown-identity'
  | 'resolver-unreachable'
  | 'pds-unreachable'
  | 'pds-not-supported'
  | 'access-denied'
  | 'login-expired'
  | 'login-failed'
  | 'no-such-account'
  | 'session-expired'
  | 'internal';

export class KeyringError extends Error {
  name = 'KeyringError';
  constructor(
    readonly code: KeyringErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e != null && chain.length < 10; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (e instanceof AggregateError) chain.push(...e.errors);
  }
  return chain;
}

/** True when the error (or one it wraps) is a failed network request. */
export function isNetworkFailure(err: unknown): boolean {
  return causes(err).some(
    (e) =>
      (e instanceof TypeError && /fetch|network/i.test(e.message)) ||
      (e instanceof Error &&
        /FetchRequestError|ECONNREFUSED|Failed to fetch|NetworkError/i.test(`${e.name} ${e.message}`)),
  );
}

/** Turns what the OAuth client threw while starting a sign-in into plain words. */
export function describeAuthorizeError(err: unknown, input: string): KeyringError {
  if (err instanceof KeyringError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Failed to resolve identity')) {
    return isNetworkFailure(err)
      ? new KeyringError(
          'resolver-unreachable',
          `Couldn't reach the network to look up “${input}”. Check your connection and try again.`,
          { cause: err },
        )
      : new KeyringError('unknown-identity', `No account found for “${input}”. Check the handle or DID.`, {
          cause: err,
        });
  }
  if (message.includes('OAuth server metadata') || message.includes('not protected by issuer')) {
    return isNetworkFailure(err)
      ? new KeyringError(
          'pds-unreachable',
          `Couldn't reach the server of “${input}”. It may be down; try again later.`,
          { cause: err },
        )
      : new KeyringError('pds-not-supported', `The server of “${input}” doesn't support OAuth sign-in.`, {
          cause: err,
        });
  }
  if (isNetworkFailure(err)) {
    return new KeyringError(
      'pds-unreachable',
      `Couldn't reach the server of “${input}”. It may be down; try again later.`,
      { cause: err },
    );
  }
  return new KeyringError('login-failed', `Sign-in couldn't start: ${message}`, { cause: err });
}

/** Turns a failed OAuth callback into plain words. */
export function describeCallbackError(err: unknown, params: URLSearchParams): KeyringError {
  if (err instanceof KeyringError) return err;
  const error = params.get('error');
  if (error === 'access_denied') {
    return new KeyringError('access-denied', 'You declined the sign-in at your server.', { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/unknown authorization session|state/i.test(message) && !error) {
    return new KeyringError('login-expired', 'This sign-in took too long or was already used. Please start again.', {
      cause: err,
    });
  }
  const detail = params.get('error_description') ?? message;
  return new KeyringError('login-failed', `Sign-in failed: ${detail}`, { cause: err });
}
