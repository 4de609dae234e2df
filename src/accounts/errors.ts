/** Stable codes the popup turns into plain words; messages are already plain. */
export type AccountErrorCode =
  | 'invalid-input'
  | 'unknown-identity'
  | 'resolver-unreachable'
  | 'pds-unreachable'
  | 'pds-not-supported'
  | 'access-denied'
  | 'login-expired'
  | 'login-failed'
  | 'login-cancelled'
  | 'no-such-account'
  | 'session-expired'
  | 'internal';

/**
 * A failure of sign-in, an account or its session, told to the popup with a
 * stable code. (Websites never see these: the broker turns them into provider
 * errors, which the SDK names `KeyringError`.)
 */
export class AccountError extends Error {
  name = 'AccountError';
  constructor(
    readonly code: AccountErrorCode,
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
export function describeAuthorizeError(err: unknown, input: string): AccountError {
  if (err instanceof AccountError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Failed to resolve identity')) {
    return isNetworkFailure(err)
      ? new AccountError(
          'resolver-unreachable',
          `Couldn't reach the network to look up “${input}”. Check your connection and try again.`,
          { cause: err },
        )
      : new AccountError('unknown-identity', `No account found for “${input}”. Check the handle or DID.`, {
          cause: err,
        });
  }
  if (message.includes('OAuth server metadata') || message.includes('not protected by issuer')) {
    return isNetworkFailure(err)
      ? new AccountError(
          'pds-unreachable',
          `Couldn't reach the server of “${input}”. It may be down; try again later.`,
          { cause: err },
        )
      : new AccountError('pds-not-supported', `The server of “${input}” doesn't support OAuth sign-in.`, {
          cause: err,
        });
  }
  if (isNetworkFailure(err)) {
    return new AccountError(
      'pds-unreachable',
      `Couldn't reach the server of “${input}”. It may be down; try again later.`,
      { cause: err },
    );
  }
  return new AccountError('login-failed', `Sign-in couldn't start: ${message}`, { cause: err });
}

/** Turns a failed OAuth callback into plain words. */
export function describeCallbackError(err: unknown, params: URLSearchParams): AccountError {
  if (err instanceof AccountError) return err;
  const error = params.get('error');
  if (error === 'access_denied') {
    return new AccountError('access-denied', 'You declined the sign-in at your server.', { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/unknown authorization session|state/i.test(message) && !error) {
    return new AccountError('login-expired', 'This sign-in took too long or was already used. Please start again.', {
      cause: err,
    });
  }
  const detail = params.get('error_description') ?? message;
  return new AccountError('login-failed', `Sign-in failed: ${detail}`, { cause: err });
}
