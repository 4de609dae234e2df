import { describeScope } from '../../permissions/describe';
import { defineHandler } from './handler';

/** Every site's grants, by origin and then the most recently chosen account first. */
export const listGrants = defineHandler({
  op: 'grants.list',
  uses: ['keyring', 'grants'],
  async handle(_, { keyring, grants }) {
    const { accounts } = await keyring.listAccounts();
    const all = await grants.all();
    return all
      .sort((a, b) => a.origin.localeCompare(b.origin) || b.selectedAt - a.selectedAt)
      .map((g) => ({
        origin: g.origin,
        did: g.did,
        handle: accounts.find((a) => a.did === g.did)?.handle ?? g.did,
        scope: g.scope,
        lines: g.scope.split(' ').map(describeScope),
      }));
  },
});

export const revokeSite = defineHandler({
  op: 'grants.revoke',
  uses: ['broker'],
  handle: ({ origin }, { broker }) => broker.revokeSite(origin).then(() => null),
});
