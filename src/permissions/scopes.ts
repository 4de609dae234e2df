import {
  BlobPermission,
  isAtprotoOauthScope,
  normalizeAtprotoOauthScopeValue,
  RepoPermission,
  RpcPermission,
  ScopePermissionsTransition,
} from '@atproto/oauth-scopes';

/** Scopes a website may never be granted: they manage the account itself. */
const FORBIDDEN_PREFIXES = ['account:', 'identity:'];
const FORBIDDEN_VALUES = new Set(['transition:email']);

export class ScopeRequestError extends Error {
  name = 'ScopeRequestError';
}

/**
 * Parses the scope a site asks for in `atproto_connect`: ATProto scope syntax,
 * space separated. Always includes `atproto`; rejects what sites may not have
 * and what this version cannot interpret (e.g. `include:` permission sets).
 */
export function parseRequestedScope(scope: string | undefined): string[] {
  const tokens = new Set(['atproto']);
  for (const raw of (scope ?? '').split(/\s+/).filter(Boolean)) {
    if (tokens.size > 64) throw new ScopeRequestError('Too many scopes requested');
    if (FORBIDDEN_VALUES.has(raw) || FORBIDDEN_PREFIXES.some((p) => raw.startsWith(p))) {
      throw new ScopeRequestError(`"${raw}" manages the account itself and is not available to websites`);
    }
    if (raw.startsWith('include:')) throw new ScopeRequestError(`Permission sets ("${raw}") are not supported yet`);
    if (!isAtprotoOauthScope(raw)) throw new ScopeRequestError(`"${raw}" is not a valid ATProto scope`);
    tokens.add(normalizeAtprotoOauthScopeValue(raw) ?? raw);
  }
  return [...tokens];
}

export function joinScope(tokens: Iterable<string>): string {
  return [...new Set(tokens)].join(' ');
}

export function permissionsOf(scope: string): ScopePermissionsTransition {
  return new ScopePermissionsTransition(scope);
}

/** True when everything `requested` allows is already allowed by `granted`. */
export function scopeCovers(granted: string, requested: string[]): boolean {
  const perms = permissionsOf(granted);
  const grantedSet = new Set(granted.split(' '));
  return requested.every((token) => {
    if (grantedSet.has(token)) return true;
    const repo = RepoPermission.fromString(token);
    if (repo) {
      return repo.collection.every((collection) =>
        repo.action.every((action) => perms.allowsRepo({ collection, action })),
      );
    }
    const rpc = RpcPermission.fromString(token);
    if (rpc) return rpc.lxm.every((lxm) => perms.allowsRpc({ lxm, aud: rpc.aud }));
    const blob = BlobPermission.fromString(token);
    if (blob) return blob.accept.every((mime) => perms.allowsBlob({ mime }));
    if (token === 'transition:generic') return false; // only literally
    return false;
  });
}
