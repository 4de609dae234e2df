/**
 * The routing table (src/permissions/routing.ts) against the real PDS of
 * this run (both versions run this file): every method the PDS serves is in
 * the table; the `pds` ones never reach an `atproto-proxy` target, the
 * `forwarded` ones do; and the PDS routes method names whatever their letter
 * case, which is why the broker refuses case variants.
 *
 * Plain HTTP from Node with a throwaway account's legacy session token (no
 * browser needed: these are the PDS's own routes, not the extension's).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FORWARDED_METHODS, FORWARDED_TO_PROXY, PDS_METHODS, routeOf } from '../../src/permissions/routing';
import { startTestSite, type TestSite } from '../support/test-site';

const pds = inject('pds');
let site: TestSite;
let token: string;
let did: string;

/** Inputs valid enough that the PDS's parameter validation lets a forwarded call through to the proxy. */
function forwardedProbe(nsid: string): { method: 'GET' | 'POST'; query?: Record<string, string>; body?: unknown } {
  const post = `at://${did}/app.bsky.feed.post/3kaaaaaaaaaaa`;
  switch (nsid) {
    case 'app.bsky.actor.getProfile':
    case 'app.bsky.feed.getActorLikes':
    case 'app.bsky.feed.getAuthorFeed':
      return { method: 'GET', query: { actor: did } };
    case 'app.bsky.actor.getProfiles':
      return { method: 'GET', query: { actors: did } };
    case 'app.bsky.feed.getPostThread':
      return { method: 'GET', query: { uri: post } };
    case 'com.atproto.moderation.createReport':
      return {
        method: 'POST',
        body: {
          reasonType: 'com.atproto.moderation.defs#reasonOther',
          subject: { $type: 'com.atproto.admin.defs#repoRef', did },
        },
      };
    default:
      return { method: routeOf(nsid).httpMethod! };
  }
}

async function call(
  nsid: string,
  init: { method: 'GET' | 'POST'; query?: Record<string, string>; body?: unknown; proxy?: string },
) {
  const url = new URL(`/xrpc/${nsid}`, pds.pdsUrl);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (init.proxy) headers['atproto-proxy'] = init.proxy;
  if (init.method === 'POST') headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method,
    headers,
    body: init.method === 'POST' ? JSON.stringify(init.body ?? { probe: true }) : undefined,
  });
  await res.arrayBuffer();
  return res.status;
}

const reached = (nsid: string) => site.xrpcHits.some((h) => h.toLowerCase().startsWith(`/xrpc/${nsid.toLowerCase()}`));

beforeAll(async () => {
  site = await startTestSite();
  const handle = `routing${Date.now().toString(36)}.test`;
  const res = await fetch(`${pds.pdsUrl}/xrpc/com.atproto.server.createAccount`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, email: `${handle}@test.com`, password: 'routing-password' }),
  });
  const body = (await res.json()) as { accessJwt: string; did: string };
  expect(res.status).toBe(200);
  ({ accessJwt: token, did } = body);
});
afterAll(() => site?.close());

describe(`routing table against PDS ${pds.pdsVersion}`, () => {
  it('lists every method the PDS serves', () => {
    const known = new Set([...PDS_METHODS, ...FORWARDED_METHODS]);
    const missing = pds.servedMethods.filter((m) => m !== '_health' && !known.has(m));
    expect(missing).toEqual([]);
  });

  it('forwarded methods reach the atproto-proxy target', async () => {
    const proxy = `${site.serviceDid}#test_svc`;
    const served = FORWARDED_TO_PROXY.filter((m) => pds.servedMethods.includes(m));
    expect(served.length).toBeGreaterThanOrEqual(5);
    const notReached: string[] = [];
    for (const nsid of served) {
      await call(nsid, { ...forwardedProbe(nsid), proxy });
      if (!reached(nsid)) notReached.push(nsid);
    }
    expect(notReached).toEqual([]);
  });

  it('PDS methods called with their own HTTP method never reach it, whatever the header says, in any letter case', async () => {
    const proxy = `${site.serviceDid}#test_svc`;
    const served = PDS_METHODS.filter((m) => pds.servedMethods.includes(m));
    expect(served.length).toBeGreaterThan(60);
    const before = site.xrpcHits.length;
    // Deliberately invalid input: the probes must not change the account (and deactivation is left to the end).
    const ordered = [
      ...served.filter((m) => !/deactivate|delete/i.test(m)),
      ...served.filter((m) => /deactivate|delete/i.test(m)),
    ];
    for (const nsid of ordered) {
      // (With the other HTTP method the PDS may forward it: the broker refuses such calls, see intent.test.ts.)
      for (const spelling of [nsid, nsid.toLowerCase()])
        await call(spelling, { method: routeOf(nsid).httpMethod!, proxy, body: { probe: true } });
    }
    expect(site.xrpcHits.slice(before)).toEqual([]);
  });

  it('answers a known method under another letter case as the method itself', async () => {
    const repo = pds.accounts.alice.did;
    const exact = await fetch(`${pds.pdsUrl}/xrpc/com.atproto.repo.describeRepo?repo=${repo}`);
    const variant = await fetch(`${pds.pdsUrl}/xrpc/COM.ATPROTO.REPO.DESCRIBEREPO?repo=${repo}`);
    expect(exact.status, await exact.clone().text()).toBe(200);
    expect(variant.status).toBe(200);
    expect(((await variant.json()) as { did: string }).did).toBe(repo);
  });
});
