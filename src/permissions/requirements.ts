import { BlobPermission, type RepoAction, RepoPermission, RpcPermission } from '@atproto/oauth-scopes';
import { REPO_WRITES, WRITE_TYPES, type XrpcIntent } from '../broker/intent';
import type { ServiceAuthParams } from '../protocol/page';
import { methodKey } from './routing';
import { permissionsOf } from './scopes';

/** What one call needs from the site's grant. */
export type Requirement =
  | { kind: 'repo'; collection: string; action: RepoAction }
  | { kind: 'blob'; mime: string }
  | { kind: 'rpc'; lxm: string; aud: string };

export type CallPolicy =
  /** Never available to websites, whatever the grant says. */
  | { kind: 'forbidden'; reason: string }
  /** Public data of the PDS: any connected site may read it. */
  | { kind: 'public' }
  | { kind: 'needs'; requirements: Requirement[] };

/** Unauthenticated reads that reveal nothing private (canonical spellings: variants are refused before). */
const PUBLIC_READS = new Set([
  'com.atproto.repo.getRecord',
  'com.atproto.repo.listRecords',
  'com.atproto.repo.describeRepo',
  'com.atproto.sync.getBlob',
  'com.atproto.sync.getRecord',
  'com.atproto.sync.listBlobs',
  'com.atproto.sync.getLatestCommit',
  'com.atproto.sync.getRepoStatus',
  'com.atproto.identity.resolveHandle',
  'com.atproto.server.describeServer',
]);

/**
 * Methods no website may call or get a service token for, whatever its grant
 * says, judged on the case-folded name: administration, identity changes,
 * the account itself (sign-in, passwords, email, deletion, migration).
 */
export function forbiddenMethod(key: string, httpMethod: 'GET' | 'POST'): string | null {
  if (key.startsWith('com.atproto.admin.')) return 'administration methods';
  if (key.startsWith('com.atproto.identity.') && httpMethod === 'POST') return 'identity changes';
  if (key === 'com.atproto.repo.importrepo') return 'replacing the whole repository';
  return null;
}

/** Service tokens for these methods would let their holder act on the account itself. */
export function forbiddenServiceMethod(lxm: string): string | null {
  const key = methodKey(lxm);
  if (key.startsWith('com.atproto.admin.')) return 'administration methods';
  if (key.startsWith('com.atproto.identity.')) return 'identity changes';
  if (key.startsWith('com.atproto.server.')) return 'account management';
  if (key === 'com.atproto.repo.importrepo') return 'replacing the whole repository';
  return null;
}

/**
 * Decides what a call needs, judging the canonical intent (where the PDS runs
 * it, its parsed body). Account management is refused outright; repo writes
 * need repo permissions for each collection and action; blob uploads need a
 * blob permission for their MIME type; anything else is an RPC permission on
 * the method for its audience (`*` without a proxy).
 */
export function policyForIntent(intent: XrpcIntent, grantedScope: string): CallPolicy {
  const { nsid, key, httpMethod } = intent;
  const forbidden = forbiddenMethod(key, httpMethod);
  if (forbidden) return { kind: 'forbidden', reason: forbidden };
  if (key.startsWith('com.atproto.server.') && !PUBLIC_READS.has(nsid) && !explicitlyGranted(grantedScope, nsid)) {
    return { kind: 'forbidden', reason: 'account management' };
  }
  if (httpMethod === 'GET' && !intent.proxy && PUBLIC_READS.has(nsid)) return { kind: 'public' };

  if (REPO_WRITES.has(nsid) && intent.body.kind === 'json') {
    // parseXrpcIntent checked the body: an object with collections (and write types) spelled out.
    const value = intent.body.value as {
      collection: string;
      writes?: Array<{ $type: keyof typeof WRITE_TYPES; collection: string }>;
    };
    if (nsid === 'com.atproto.repo.applyWrites') {
      return {
        kind: 'needs',
        requirements: value.writes!.map((w) => ({
          kind: 'repo',
          collection: w.collection,
          action: WRITE_TYPES[w.$type],
        })),
      };
    }
    const action: RepoAction = nsid.endsWith('createRecord')
      ? 'create'
      : nsid.endsWith('putRecord')
        ? 'update'
        : 'delete';
    return { kind: 'needs', requirements: [{ kind: 'repo', collection: value.collection, action }] };
  }
  if (nsid === 'com.atproto.repo.uploadBlob') {
    const encoding = intent.body.kind === 'none' ? 'application/octet-stream' : intent.body.encoding;
    return { kind: 'needs', requirements: [{ kind: 'blob', mime: encoding.split(';')[0].trim() }] };
  }
  return { kind: 'needs', requirements: [{ kind: 'rpc', lxm: nsid, aud: intent.proxy ?? '*' }] };
}

/** `atproto_serviceAuth` is an RPC permission on `lxm` at `aud`; account methods are never available. */
export function policyForServiceAuth(call: ServiceAuthParams): CallPolicy {
  if (!call.lxm) return { kind: 'forbidden', reason: 'a token for any method' };
  const forbidden = forbiddenServiceMethod(call.lxm);
  if (forbidden) return { kind: 'forbidden', reason: forbidden };
  return {
    kind: 'needs',
    requirements: [{ kind: 'rpc', lxm: call.lxm, aud: call.aud.includes('#') ? call.aud : '*' }],
  };
}

function explicitlyGranted(scope: string, nsid: string): boolean {
  return scope.split(' ').some((token) => RpcPermission.fromString(token)?.lxm.includes(nsid as never) ?? false);
}

/**
 * The requirements a grant does not already allow, each once: what a prompt asks for (a consent window
 * that listed writes the site may already make, or one line per repeated write, would ask blind).
 * `askAnyway` names requirements asked for even when granted (deletes, by the user's policy).
 */
export function stillNeeded(
  grantedScope: string,
  requirements: Requirement[],
  askAnyway?: (r: Requirement) => boolean,
): Requirement[] {
  const seen = new Set<string>();
  return requirements.filter((r) => {
    const key = JSON.stringify(
      r.kind === 'repo'
        ? [r.kind, r.collection, r.action]
        : r.kind === 'blob'
          ? [r.kind, r.mime]
          : [r.kind, r.lxm, r.aud],
    );
    if (seen.has(key)) return false;
    seen.add(key);
    return askAnyway?.(r) || !isAllowed(grantedScope, [r]);
  });
}

export function isAllowed(grantedScope: string, requirements: Requirement[]): boolean {
  const perms = permissionsOf(grantedScope);
  return requirements.every((r) => {
    switch (r.kind) {
      case 'repo':
        return perms.allowsRepo({ collection: r.collection, action: r.action });
      case 'blob':
        return perms.allowsBlob({ mime: r.mime });
      case 'rpc':
        return perms.allowsRpc({ lxm: r.lxm, aud: r.aud });
      default:
        return false; // a requirement of a kind this code does not know is not allowed
    }
  });
}

/** The scope tokens that would allow these requirements ("always allow"). */
export function scopesFor(requirements: Requirement[]): string[] {
  return requirements.map((r) => {
    switch (r.kind) {
      case 'repo':
        return RepoPermission.scopeNeededFor({ collection: r.collection, action: r.action });
      case 'blob':
        return BlobPermission.scopeNeededFor({ mime: r.mime });
      case 'rpc':
        return RpcPermission.scopeNeededFor({ lxm: r.lxm, aud: r.aud });
      default:
        throw new TypeError(`No scope for a requirement of kind ${(r as { kind: string }).kind}`);
    }
  });
}
