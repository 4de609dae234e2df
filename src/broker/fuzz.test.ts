import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, fromWire, PAGE_METHODS, RELAY_REQUEST, toWire } from '../protocol/page';
import { SchemaError } from '../protocol/schema';
import { ALICE, createBrokerFixture, SITE } from './broker.fixture';
import { OriginRateLimiter } from './rate-limit';

// Exercise the request logic itself, not the rate limiter (tested on its own).
const unlimited = () => new OriginRateLimiter(1e9, 1e9, 1e9);

const KNOWN_CODES = new Set<number>(Object.values(ErrorCode));

/** Values a hostile page (or a compromised content script) might send. */
const junk = fc.oneof(
  fc.anything({
    maxDepth: 4,
    withBigInt: false,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withNullPrototype: true,
  }),
  fc.jsonValue({ maxDepth: 6 }),
  fc.constant({ nsid: 'com.atproto.server.deleteAccount', body: { did: ALICE } }),
  fc.record(
    {
      nsid: fc.constantFrom(
        'com.atproto.repo.createRecord',
        'app.bsky.feed.getTimeline',
        'com.atproto.admin.deleteAccount',
      ),
      origin: fc.constant('https://bank.example'),
      body: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: ['nsid'] },
  ),
  fc.string({ minLength: 0, maxLength: 200 }).map((s) => ({ nsid: s, params: { q: s } })),
);

const envelope = fc.oneof(
  fc.anything({ maxDepth: 3, withBigInt: false }),
  fc.record(
    {
      kind: fc.oneof(fc.constant(RELAY_REQUEST), fc.string()),
      id: fc.oneof(fc.uuid(), fc.string({ maxLength: 80 }), fc.integer()),
      method: fc.oneof(
        fc.constantFrom(...PAGE_METHODS),
        fc.constantFrom('atproto_signOut', 'eth_sendTransaction', '__proto__', 'constructor'),
        fc.string({ maxLength: 100 }),
      ),
      params: junk,
      origin: fc.constant('https://bank.example'),
    },
    { requiredKeys: ['kind', 'id', 'method'] },
  ),
);

describe('fuzz: hostile page requests', () => {
  it('every request is answered with a result or a known error code, and no grant appears', async () => {
    const fixture = await createBrokerFixture({ limiter: unlimited() });
    // The user rejects whatever prompt a fuzzed request opens.
    fixture.user.answers = Array.from({ length: 10_000 }, () => ({
      outcome: 'reject' as const,
      reason: 'denied' as const,
    }));
    await fc.assert(
      fc.asyncProperty(
        envelope,
        fc.constantFrom(SITE, 'https://other.example', 'null', 'http://127.0.0.1:3000'),
        async (raw, origin) => {
          let wire: unknown = raw;
          try {
            // What the relay would send; values it cannot encode never reach the background.
            if (raw && typeof raw === 'object' && 'params' in (raw as object)) {
              wire = { ...(raw as object), params: toWire((raw as { params: unknown }).params) };
            }
          } catch (err) {
            expect(err).toBeInstanceOf(SchemaError);
          }
          const answer = await fixture.broker.handle(origin, wire);
          if ('error' in answer) {
            expect(KNOWN_CODES.has(answer.error.code as never)).toBe(true);
            expect(answer.error.message.length).toBeGreaterThan(0);
            expect(answer.error.code).not.toBe(ErrorCode.internal);
          } else {
            expect('result' in answer).toBe(true);
          }
        },
      ),
      { numRuns: 1500 },
    );
    expect(await fixture.grants.all()).toEqual([]);
    expect(fixture.pds.calls).toEqual([]);
    expect(await fixture.db.count('prompts')).toBe(0);
  });

  it('a connected origin is not affected by fuzzing from others, and forged origin fields change nothing', async () => {
    const fixture = await createBrokerFixture({ limiter: unlimited() });
    fixture.user.answers.push({ outcome: 'approve', did: ALICE });
    await fixture.call(SITE, 'atproto_connect', { scope: 'repo:app.bsky.feed.post?action=create' });
    const before = await fixture.grants.all();
    await fc.assert(
      fc.asyncProperty(junk, async (params) => {
        let wireParams: unknown;
        try {
          wireParams = toWire(params);
        } catch {
          return;
        }
        const answer = await fixture.broker.handle('https://evil.example', {
          kind: RELAY_REQUEST,
          id: 'x',
          method: 'atproto_xrpc',
          params: wireParams,
        });
        expect(
          'error' in answer && [ErrorCode.unauthorized, ErrorCode.invalidParams].includes(answer.error.code as never),
        ).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(await fixture.grants.all()).toEqual(before);
    expect(fixture.pds.calls).toEqual([]);
  });

  it('the wire decoder only ever returns or throws SchemaError', () => {
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 5, withBigInt: false, withTypedArray: true, withNullPrototype: true }),
        (value) => {
          try {
            fromWire(value);
          } catch (err) {
            expect(err).toBeInstanceOf(SchemaError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
