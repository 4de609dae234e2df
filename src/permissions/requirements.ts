import { BlobPermission, RepoPermission, RpcPermission, type RepoAction } from '@atproto/oauth-scopes';
import type { ServiceAuthParams, XrpcParams } from '../protocol/page';
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

/** Unauthenticated reads that reveal nothing private. */
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

const WRITE_ACTIONS: Record<string, RepoAction> = {
  'com.atproto.repo.applyWrites#create': 'create',
  'com.atproto.repo.applyWrites#update': 'update',
  'com.atproto.repo.applyWrites#delete': 'delete',
};

function collectionOf(body: unknown): string | null {
  const c = (body as { collection?: unknown } | null)?.collection;
  return typeof c === 'string' ? c : null;
}

/**
 * Decides what an `atproto_xrpc` call needs. Account management is refused
 * outright; repo writes need repo permissions for each collection and action;
 * blob uploads need a blob permission for their MIME type; anything else is an
 * RPC permission on the method for its audience (`*` without a proxy).
 */
export function policyForXrpc(call: XrpcParams, grantedScope: string): CallPolicy {
  const { nsid } = call;
  const method = call.method ?? (call.body === undefined ? 'GET' : 'POST');
  if (nsid.startsWith('com.atproto.admin.')) return { kind: 'forbidden', reason: 'administration methods' };
  if (nsid.startsWith('com.atproto.identity.') && method === 'POST') {
    return { kind: 'forbidden', reason: 'identity changes' };
  }
  if (nsid.startsWith('com.atproto.server.') && !PUBLIC_READS.has(nsid) && !explicitlyGranted(grantedScope, nsid)) {
    return { kind: 'forbidden', reason: 'account management' };
  }
  if (method === 'GET' && !call.proxy && PUBLIC_READS.has(nsid)) return { kind: 'public' };

  switch (nsid) {
    case 'com.atproto.repo.createRecord':
    case 'com.atproto.repo.putRecord':
    case 'com.atproto.repo.deleteRecord': {
      const collection = collectionOf(call.body);
      if (!collection) return { kind: 'needs', requirements: [{ kind: 'repo', collection: '*', action: 'create' }] };
      const action: RepoAction = nsid.endsWith('createRecord') ? 'create' : nsid.endsWith('putRecord') ? 'update' : 'delete';
      return { kind: 'needs', requirements: [{ kind: 'repo', collection, action }] };
    }
    case 'com.atproto.repo.applyWrites': {
      const writes = (call.body as { writes?: unknown } | null)?.writes;
      if (!Array.isArray(writes) || writes.length === 0) {
        return { kind: 'needs', requirements: [{ kind: 'repo', collection: '*', action: 'create' }] };
      }
      const requirements: Requirement[] = writes.map((w) => {
        const type = (w as { $type?: unknown })?.$type;
        const action = typeof type === 'string' ? WRITE_ACTIONS[type] : undefined;
        const collection = collectionOf(w);
        // An unrecognised write can only be allowed by a full wildcard.
        return { kind: 'repo', collection: collection ?? '*', action: action ?? 'delete' };
      });
      return { kind: 'needs', requirements };
    }
    case 'com.atproto.repo.uploadBlob':
      return { kind: 'needs', requirements: [{ kind: 'blob', mime: (call.encoding ?? 'application/octet-stream').split(';')[0].trim() }] };
    default:
      return { kind: 'needs', requirements: [{ kind: 'rpc', lxm: nsid, aud: call.proxy ?? '*' }] };
  }
}

/** `atproto_serviceAuth` is an RPC permission on `lxm` (or any method) at `aud`. */
export function policyForServiceAuth(call: ServiceAuthParams): CallPolicy {
  return {
    kind: 'needs',
    requirements: [{ kind: 'rpc', lxm: call.lxm ?? '*', aud: call.aud.includes('#') ? call.aud : '*' }],
  };
}

function explicitlyGranted(scope: string, nsid: string): boolean {
  return scope.split(' ').some((token) => RpcPermission.fromString(token)?.lxm.includes(nsid as never) ?? false);
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
    }
  });
}
