import { OAuthCallbackError, OAuthResolverError } from '@atproto/oauth-client-browser';
import { describe, expect, it } from 'vitest';
import { describeAuthorizeError, describeCallbackError } from './errors';

describe('error descriptions', () => {
  it('says an unknown handle is unknown', () => {
    const err = describeAuthorizeError(
      new OAuthResolverError('Failed to resolve identity: bob.nowhere'),
      'bob.nowhere',
    );
    expect(err.code).toBe('unknown-identity');
    expect(err.message).toContain('No account found for “bob.nowhere”');
  });
  it('says an unreachable PDS is unreachable', () => {
    const cause = new TypeError('Failed to fetch');
    const err = describeAuthorizeError(
      new OAuthResolverError('Failed to resolve OAuth server metadata for resource: http://x', { cause }),
      'http://x',
    );
    expect(err.code).toBe('pds-unreachable');
  });
  it('says a denial is a denial', () => {
    const params = new URLSearchParams({ error: 'access_denied', state: 's' });
    const err = describeCallbackError(new OAuthCallbackError(params, 'Access denied', 's'), params);
    expect(err.code).toBe('access-denied');
  });
});
