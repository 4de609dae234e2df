import { BlobPermission, type RepoAction, RepoPermission, RpcPermission } from '@atproto/oauth-scopes';
import { i18n } from '#i18n';
import { actionWords, describeRepo, describeScope, methodWords } from './describe';

/**
 * What a permission lets a site do, as the consent window groups it: reading
 * who you are, writing, deleting, calling services as you, and whole-account
 * grants. The window lists the groups in this order.
 */
export const RISK_GROUPS = ['read', 'write', 'delete', 'services', 'account'] as const;
export type RiskGroup = (typeof RISK_GROUPS)[number];

/** One line of a group, in plain words, with the scope token it comes from. */
export interface PermissionLine {
  group: RiskGroup;
  scope: string;
  text: string;
}

/** Kinds of grant that reach far beyond one named kind of thing. */
export type BroadKind =
  | 'whole-account' // transition:generic
  | 'direct-messages' // transition:chat.bsky
  | 'any-collection' // repo:* (every kind of record)
  | 'any-method' // rpc:*?aud=…
  | 'any-service' // rpc:…?aud=*
  | 'any-file'; // blob:*/*

/** A broad grant, with what it allows in plain words. */
export interface BroadGrant {
  kind: BroadKind;
  scope: string;
  text: string;
}

export interface ScopesByRisk {
  /** The groups that have lines, in RISK_GROUPS order. */
  groups: Array<{ group: RiskGroup; lines: string[] }>;
  /** Every broad grant among the scopes, each once per scope that makes it. */
  broad: BroadGrant[];
}

const WRITE_ACTIONS: readonly RepoAction[] = ['create', 'update'];

/** The lines one scope token makes: a repo permission with writes and deletes makes one of each. */
export function linesOf(token: string): PermissionLine[] {
  const line = (group: RiskGroup, text = describeScope(token)): PermissionLine => ({ group, scope: token, text });
  if (token === 'atproto') return [line('read')];
  if (token.startsWith('transition:')) return [line('account')];
  const repo = RepoPermission.fromString(token);
  if (repo) {
    const lines: PermissionLine[] = [];
    const writes = repo.action.filter((a) => WRITE_ACTIONS.includes(a));
    if (writes.length > 0) lines.push(line('write', describeRepo(writes, repo.collection)));
    if (repo.action.includes('delete')) lines.push(line('delete', describeRepo(['delete'], repo.collection)));
    return lines;
  }
  if (BlobPermission.fromString(token)) return [line('write')];
  if (RpcPermission.fromString(token)) return [line('services')];
  // Nothing else reaches a window (the broker refuses other scopes): were it to, it counts as the riskiest.
  return [line('account')];
}

/** What makes a scope token broad, from its parsed form (so spelling and encoding variants count alike). */
export function broadGrantOf(token: string): BroadGrant | null {
  const broad = (kind: BroadKind, text: string): BroadGrant => ({ kind, scope: token, text });
  if (token === 'transition:generic') {
    return broad('whole-account', i18n.t('scopes.broad.wholeAccount'));
  }
  if (token === 'transition:chat.bsky') {
    return broad('direct-messages', i18n.t('scopes.broad.directMessages'));
  }
  const repo = RepoPermission.fromString(token);
  if (repo?.collection.includes('*')) {
    return broad('any-collection', i18n.t('scopes.broad.anyCollection', { actions: actionWords(repo.action) }));
  }
  const rpc = RpcPermission.fromString(token);
  if (rpc?.lxm.includes('*')) {
    return broad('any-method', i18n.t('scopes.broad.anyMethod', { audience: rpc.aud }));
  }
  if (rpc?.aud === '*') {
    return broad('any-service', i18n.t('scopes.broad.anyService', { methods: methodWords(rpc.lxm) }));
  }
  const blob = BlobPermission.fromString(token);
  if (blob?.accept.includes('*/*')) {
    return broad('any-file', i18n.t('scopes.broad.anyFile'));
  }
  return null;
}

/** The scopes of a connect request grouped by risk, with the broad ones called out. */
export function scopesByRisk(tokens: readonly string[]): ScopesByRisk {
  const lines = tokens.flatMap(linesOf);
  return {
    groups: RISK_GROUPS.flatMap((group) => {
      const texts = lines.filter((l) => l.group === group).map((l) => l.text);
      return texts.length > 0 ? [{ group, lines: texts }] : [];
    }),
    broad: tokens.flatMap((t) => broadGrantOf(t) ?? []),
  };
}

/** Whether any of these scopes lets a site delete records. */
export function allowsDeleting(tokens: readonly string[]): boolean {
  return tokens.some((t) => t === 'transition:generic' || RepoPermission.fromString(t)?.action.includes('delete'));
}

/** The user's choices that bear on "Always allow". */
export interface RememberSettings {
  /** Offer "Always allow" on a prompt for a delete too (off by default: each delete asks). */
  allowAlwaysForDeletes: boolean;
}

/**
 * Whether a prompt offers "Always allow" (and a "remember" answer may extend
 * the grant): there must be something to add, and it may delete nothing
 * unless the user turned that on in the settings.
 */
export type AlwaysOffer = 'offered' | 'off-for-deletes' | 'nothing-to-add';

export function alwaysOffer(scopes: readonly string[], settings: RememberSettings): AlwaysOffer {
  if (scopes.length === 0) return 'nothing-to-add';
  return settings.allowAlwaysForDeletes || !allowsDeleting(scopes) ? 'offered' : 'off-for-deletes';
}

export function mayRemember(scopes: readonly string[], settings: RememberSettings): boolean {
  return alwaysOffer(scopes, settings) === 'offered';
}
