/**
 * The broker's central invariant, for generated request sequences (re-used
 * ids, concurrent pairs under one id, case variants, binary bodies, proxies,
 * wrong HTTP methods, service tokens): every HTTP request that reaches the
 * PDS is covered by the site's grant, or by an approval whose displayed
 * intent is exactly that request.
 *
 * Each captured request is read back into an intent from its path, headers
 * and body alone, and judged afresh: if the broker ever sent something other
 * than what it judged or showed, the read-back differs and the test fails.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAllowed, policyForIntent, policyForServiceAuth } from '../permissions/requirements';
import { allowsDeleting } from '../permissions/risk';
import type { PromptDecision } from '../storage/db';
import { ALICE, createBrokerFixture, SITE } from './broker.fixture';
import { sha256Hex } from './digest';
import { type DisplayedIntent, displayedIntent, parseXrpcIntent, toHttpRequest, type XrpcIntent } from './intent';
import { OriginRateLimiter } from './rate-limit';

const PROXY = 'did:web:svc.example#svc';
const collection = fc.constantFrom('app.bsky.feed.post', 'app.bsky.feed.like', 'app.bsky.graph.follow');
const record = fc.record({ text: fc.string({ maxLength: 8 }) });
const repoBody = fc.oneof(
  fc.record({ repo: fc.constant(ALICE), collection, record }),
  fc.record({ repo: fc.constant(ALICE), collection, rkey: fc.constantFrom('a', 'b') }),
  fc.record({
    repo: fc.constant(ALICE),
    writes: fc.array(
      fc.record({
        $type: fc.constantFrom(
          'com.atproto.repo.applyWrites#create',
          'com.atproto.repo.applyWrites#delete',
          'com.atproto.repo.applyWrites#Delete',
        ),
        collection,
        rkey: fc.constant('a'),
      }),
      { minLength: 0, maxLength: 3 },
    ),
  }),
);
const body = fc.oneof(
  repoBody,
  repoBody.map((b) => new TextEncoder().encode(JSON.stringify(b))),
  repoBody.map((b) => JSON.stringify(b)),
  fc.constant(undefined),
);
const xrpcCall = fc.record(
  {
    nsid: fc.constantFrom(
      'com.atproto.repo.createRecord',
      'com.atproto.repo.deleteRecord',
      'com.atproto.repo.putRecord',
      'com.atproto.repo.applyWrites',
      'com.atproto.repo.deleterecord',
      'COM.ATPROTO.REPO.CREATERECORD',
      'com.atproto.repo.uploadBlob',
      'app.bsky.feed.getTimeline',
      'Com.atproto.server.getSession',
      'com.example.custom.doThing',
      'com.atproto.repo.listRecords',
    ),
    body,
    encoding: fc.constantFrom(undefined, 'application/json', 'image/png', 'text/plain'),
    proxy: fc.constantFrom(undefined, PROXY),
    method: fc.constantFrom(undefined, undefined, 'GET', 'POST'),
  },
  { requiredKeys: ['nsid'] },
);
const serviceAuthCall = fc.record(
  {
    aud: fc.constantFrom('did:web:svc.example', 'did:web:svc.example#svc'),
    lxm: fc.constantFrom(
      undefined,
      'com.example.custom.doThing',
      'com.atproto.server.createAccount',
      'Com.Atproto.Server.CreateAccount',
    ),
  },
  { requiredKeys: ['aud'] },
);
/** Well-formed writes outside the starting grant: each needs the user's approval. */
const promptedCall = fc.oneof(
  fc.record({
    nsid: fc.constant('com.atproto.repo.createRecord'),
    body: fc.record({
      repo: fc.constant(ALICE),
      collection: fc.constantFrom('app.bsky.feed.like', 'app.bsky.graph.follow'),
      record,
    }),
  }),
  fc.record({
    nsid: fc.constant('com.atproto.repo.deleteRecord'),
    body: fc.record({ repo: fc.constant(ALICE), collection, rkey: fc.constantFrom('a', 'b') }),
  }),
);
const step = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd'),
  request: fc.oneof(
    xrpcCall.map((params) => ({ method: 'atproto_xrpc', params })),
    promptedCall.map((params) => ({ method: 'atproto_xrpc', params })),
    serviceAuthCall.map((params) => ({ method: 'atproto_serviceAuth', params })),
  ),
  /** A second request under the same id, sent while the first may still wait for the user. */
  twin: fc.option(
    fc.oneof(xrpcCall, promptedCall, promptedCall).map((params) => ({ method: 'atproto_xrpc', params })),
    { nil: undefined },
  ),
  answer: fc.constantFrom<PromptDecision>(
    { outcome: 'approve' },
    { outcome: 'approve', remember: true },
    { outcome: 'reject', reason: 'denied' },
  ),
});

const clean = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

interface Sent {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** Reads a captured HTTP request back into the intent it expresses. */
function readBack(sent: Sent) {
  const url = new URL(sent.path, 'https://pds.example');
  const nsid = url.pathname.replace(/^\/xrpc\//, '');
  const params: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    params[key] = values.length > 1 ? values : values[0];
  }
  const encoding = sent.headers['content-type'];
  let parsedBody: unknown = sent.body;
  if (typeof sent.body === 'string' && encoding?.startsWith('application/json')) parsedBody = JSON.parse(sent.body);
  return parseXrpcIntent(
    clean({
      nsid,
      method: sent.method as 'GET' | 'POST',
      params,
      body: parsedBody,
      encoding,
      proxy: sent.headers['atproto-proxy'],
    }),
  );
}

async function sameAsDisplayed(sent: Sent, shown: DisplayedIntent): Promise<boolean> {
  const expected = toHttpRequest({ ...shown, body: shown.body.kind === 'bytes' ? { kind: 'none' } : shown.body });
  if (expected.path !== sent.path || expected.method !== sent.method) return false;
  const { 'content-type': sentType, ...sentHeaders } = sent.headers;
  const { 'content-type': shownType, ...shownHeaders } = expected.headers;
  if (JSON.stringify(sentHeaders) !== JSON.stringify(shownHeaders)) return false;
  if (shown.body.kind === 'bytes') {
    return (
      sent.body instanceof Uint8Array &&
      sentType === shown.body.encoding &&
      (await sha256Hex(sent.body as Uint8Array<ArrayBuffer>)) === shown.body.sha256
    );
  }
  return sentType === shownType && sent.body === expected.body;
}

describe('invariant: what reaches the PDS was granted or shown', () => {
  it('holds for generated request sequences', async () => {
    const seen = { sent: 0, granted: 0, approved: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const fixture = await createBrokerFixture({ limiter: new OriginRateLimiter(1e9, 1e9, 1e9) });
        const { call, user, pds, grants, prompts, clock } = fixture;
        user.answers.push({ outcome: 'approve', did: ALICE });
        await call(SITE, 'atproto_connect', { scope: 'atproto repo:app.bsky.feed.post?action=create' });
        const approved: DisplayedIntent[] = [];
        for (const s of steps) {
          const before = user.prompts.length;
          user.answers.push('pending');
          const first = call(SITE, s.request.method, s.request.params, s.id);
          const second = s.twin ? call(SITE, s.twin.method, s.twin.params, s.id) : undefined;
          // Answer whatever the window shows, until both requests are settled.
          let settled = false;
          const both = Promise.all([first, second]).finally(() => (settled = true));
          let answered = before;
          while (!settled) {
            await new Promise((r) => setTimeout(r, 2));
            for (const prompt of user.prompts.slice(answered)) {
              if (prompt.details.kind === 'call' && s.answer.outcome === 'approve')
                approved.push(prompt.details.intent);
              await prompts.decide(prompt.id, s.answer);
            }
            answered = user.prompts.length;
          }
          await both;
          user.answers.length = 0;
          clock.advance(60_000); // past any cooldown
        }
        const [grant] = await grants.forOrigin(SITE);
        for (const sent of pds.calls as Sent[]) {
          const intent = readBack(sent);
          const policy =
            intent.nsid === 'com.atproto.server.getServiceAuth'
              ? policyForServiceAuth({ aud: String(intent.params.aud), lxm: intent.params.lxm as string | undefined })
              : policyForIntent(intent, grant.scope);
          expect(policy.kind).not.toBe('forbidden');
          const granted =
            policy.kind === 'public' || (policy.kind === 'needs' && isAllowed(grant.scope, policy.requirements));
          seen.sent++;
          if (granted) {
            seen.granted++;
            continue;
          }
          seen.approved++;
          const shown = await Promise.all(approved.map((a) => sameAsDisplayed(sent, a)));
          expect(shown.some(Boolean), `sent ${sent.method} ${sent.path} without a grant or a matching approval`).toBe(
            true,
          );
        }
        // And the grant never gained anything no window displayed.
        const displayedScopes = new Set(
          user.prompts.flatMap((p) => (p.details.kind === 'call' ? p.details.scopes : p.details.scope)),
        );
        for (const token of grant.scope.split(' ')) expect(displayedScopes.has(token)).toBe(true);
        // With the default settings, no "Always allow" ever made a delete part of the grant.
        expect(allowsDeleting(grant.scope.split(' '))).toBe(false);
        await fixture.db.close();
      }),
      { numRuns: 80 },
    );
    console.log(
      `invariant: ${seen.sent} requests reached the PDS, ${seen.granted} within the grant, ${seen.approved} by an approval`,
    );
    // The generator must exercise both paths, or the property proves little.
    expect(seen.granted).toBeGreaterThan(10);
    expect(seen.approved).toBeGreaterThan(10);
  }, 120_000);

  it('the read-back is faithful: an intent survives serialisation and reading back unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(xrpcCall, async (params) => {
        let intent: XrpcIntent;
        try {
          intent = parseXrpcIntent(params);
        } catch {
          return; // refused calls are never sent
        }
        const http = toHttpRequest(intent);
        const body = http.body instanceof Blob ? new Uint8Array(await http.body.arrayBuffer()) : http.body;
        const back = readBack({ path: http.path, method: http.method, headers: http.headers, body });
        expect(await displayedIntent(back)).toEqual(await displayedIntent(intent));
      }),
      { numRuns: 300 },
    );
  });
});
