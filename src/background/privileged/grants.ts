import { BASE_SCOPE } from '../../broker/grants';
import { describeScope } from '../../permissions/describe';
import type { SiteGrantView } from '../../protocol/privileged';
import { defineHandler } from './handler';

/** Every site's live grants, by origin and then the most recently chosen account first. */
export const listGrants = defineHandler({
  op: 'grants.list',
  uses: ['keyring', 'grants'],
  async handle(_, { keyring, grants }): Promise<SiteGrantView[]> {
    const { accounts } = await keyring.listAccounts();
    const all = await grants.all();
    return all
      .sort((a, b) => a.origin.localeCompare(b.origin) || b.selectedAt - a.selectedAt)
      .map((g) => ({
        origin: g.origin,
        did: g.did,
        handle: accounts.find((a) => a.did === g.did)?.handle ?? g.did,
        scope: g.scope,
        scopes: g.scope.split(' ').map((scope) => ({
          scope,
          text: describeScope(scope),
          ...(g.scopeExpiresAt?.[scope] !== undefined && { expiresAt: g.scopeExpiresAt[scope] }),
          removable: scope !== BASE_SCOPE,
        })),
        ...(g.expiresAt !== undefined && { expiresAt: g.expiresAt }),
        ...(g.lastUsedAt !== undefined && { lastUsedAt: g.lastUsedAt }),
      }));
  },
});

export const revokeGrants = defineHandler({
  op: 'grants.revoke',
  uses: ['broker', 'writeAlerts'],
  async handle({ origin, did }, { broker, writeAlerts }) {
    const result = await broker.revokeGrants(origin, did);
    await writeAlerts.siteRevoked(origin, result.undoToken);
    return result;
  },
});

export const restoreGrants = defineHandler({
  op: 'grants.restore',
  uses: ['broker', 'writeAlerts'],
  async handle({ undoToken }, { broker, writeAlerts }) {
    const restored = await broker.restoreGrants(undoToken);
    await writeAlerts.revokeUndone(undoToken);
    return restored;
  },
});

export const removeScope = defineHandler({
  op: 'grants.removeScope',
  uses: ['grants'],
  handle: ({ origin, did, scope }, { grants }) => grants.removeScope(origin, did, scope).then(() => null),
});
