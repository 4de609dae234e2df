/**
 * Compile-time checks of the privileged channel: `npm run typecheck` fails if
 * any `@ts-expect-error` below stops being an error, i.e. if the operation map
 * stops catching a wrong result, an undeclared service, a misfiled or missing
 * handler, or a page calling an operation wrongly. The functions never run.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type {
  PrivilegedParams,
  PrivilegedRequest,
  PrivilegedResult,
  PromptView,
  SiteGrantView,
} from '../../protocol/privileged';
import { privilegedRequestMessage } from '../../protocol/privileged';
import { callKeyring } from '../../ui/api';
import { setActiveAccount } from './accounts';
import { defineHandler, type PrivilegedHandler } from './handler';
import { privilegedRoutes } from './routes';

type RouteTable = typeof privilegedRoutes;

describe('the privileged channel’s types', () => {
  it('derive params, results and requests from the operation map', () => {
    expectTypeOf<PrivilegedResult<'accounts.setActive'>>().toEqualTypeOf<null>();
    expectTypeOf<PrivilegedResult<'grants.list'>>().toEqualTypeOf<SiteGrantView[]>();
    expectTypeOf<PrivilegedResult<'prompt.get'>>().toEqualTypeOf<PromptView | null>();
    expectTypeOf<PrivilegedParams<'accounts.signOut'>>().toEqualTypeOf<{ did: string }>();
    expectTypeOf<PrivilegedRequest<'login.start'>>().toEqualTypeOf<{ op: 'login.start' } & { input: string }>();
    expectTypeOf(callKeyring<'accounts.check'>).returns.resolves.toEqualTypeOf<PrivilegedResult<'accounts.check'>>();
  });

  it('refuse handlers that do not match their operation', () => {
    return () => {
      defineHandler({
        op: 'accounts.setActive',
        uses: ['keyring'],
        // @ts-expect-error the result is null, not the keyring's void
        handle: ({ did }, { keyring }) => keyring.setActive(did),
      });
      defineHandler({
        op: 'grants.revoke',
        uses: ['keyring'],
        // @ts-expect-error broker was not declared in uses
        handle: ({ origin }, { broker }) => broker.revokeSite(origin).then(() => null),
      });
      defineHandler({
        op: 'login.status',
        uses: ['keyring'],
        // @ts-expect-error login.status has an id, not a did
        handle: ({ did }, { keyring }) => keyring.loginStatus(did),
      });
      // @ts-expect-error not an operation of the map
      defineHandler({ op: 'accounts.exportKeys', uses: [], handle: async () => null });
    };
  });

  it('refuse a route table with a missing or misfiled handler', () => {
    return () => {
      const { 'grants.revoke': _revoke, ...withoutRevoke } = privilegedRoutes;
      // @ts-expect-error grants.revoke has no handler
      const missing: RouteTable = withoutRevoke;
      // @ts-expect-error accounts.setActive's handler filed under grants.revoke
      const misfiled: RouteTable = { ...privilegedRoutes, 'grants.revoke': setActiveAccount };
      const handler: PrivilegedHandler<'accounts.setActive'> = setActiveAccount;
      return [missing, misfiled, handler];
    };
  });

  it('refuse pages calling an operation wrongly', () => {
    return async () => {
      // @ts-expect-error not an operation of the map
      await callKeyring('accounts.exportKeys');
      // @ts-expect-error accounts.signOut needs a did
      await callKeyring('accounts.signOut');
      // @ts-expect-error login.start's input is a string
      await callKeyring('login.start', { input: 1 });
      // @ts-expect-error accounts.list takes no params
      await callKeyring('accounts.list', { did: 'did:plc:a' });
      // @ts-expect-error accounts.list answers an account list, not a boolean
      const wrong: boolean = await callKeyring('accounts.list');
      // @ts-expect-error the wire message needs the operation's params too
      privilegedRequestMessage('grants.revoke');
      return wrong;
    };
  });
});
