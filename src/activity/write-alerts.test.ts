import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseXrpcIntent } from '../broker/intent';
import { useEnglishMessages } from '../locales/messages.fixture';
import type { XrpcParams } from '../protocol/page';
import { type KeyringDB, openKeyringDB } from '../storage/db';
import type { CallOutcome, CallReport } from './call-report';
import { type AlertSurface, NOTIFY_INTERVAL_MS, WRITE_WINDOW_MS, WriteAlerts } from './write-alerts';
import { plainSnippet } from './write-summary';

const SITE = 'https://site.example';
const OTHER = 'https://other.example';
const ALICE = 'did:plc:alice';
const POST = 'app.bsky.feed.post';

const ok: CallOutcome = { kind: 'answered', status: 200, result: { status: 200, headers: {}, body: {} } };

function report(call: XrpcParams, overrides: Partial<CallReport> = {}): CallReport {
  return {
    at: 0,
    origin: SITE,
    did: ALICE,
    method: 'atproto_xrpc',
    intent: parseXrpcIntent(call),
    prompted: false,
    remembered: false,
    outcome: ok,
    ...overrides,
  };
}

const createPost = (text = 'hello'): XrpcParams => ({
  nsid: 'com.atproto.repo.createRecord',
  body: { repo: ALICE, collection: POST, record: { $type: POST, text, createdAt: '2026-01-01T00:00:00Z' } },
});
const getRecord: XrpcParams = {
  nsid: 'com.atproto.repo.getRecord',
  params: { repo: ALICE, collection: POST, rkey: 'x' },
};

class RecordingSurface implements AlertSurface {
  badge: { text: string; title: string } | null = null;
  badgeCalls = 0;
  notifications: { id: string; title: string; message: string }[] = [];
  wake: number | null = null;
  async setBadge(badge: { text: string; title: string } | null) {
    this.badge = badge;
    this.badgeCalls++;
  }
  async notify(id: string, text: { title: string; message: string }) {
    this.notifications.push({ id, ...text });
  }
  async wakeAt(at: number | null) {
    this.wake = at;
  }
}

let db: KeyringDB;
let surface: RecordingSurface;
let clock: number;
let alerts: WriteAlerts;
let dbCount = 0;
let connected: Set<string>;

const newAlerts = () =>
  new WriteAlerts({
    db,
    surface,
    handleOf: async (did) => (did === ALICE ? 'alice.test' : undefined),
    isConnected: async (origin) => connected.has(origin),
    now: () => clock,
  });

beforeAll(useEnglishMessages);
beforeEach(async () => {
  db = await openKeyringDB(`write-alerts-${dbCount++}`);
  surface = new RecordingSurface();
  clock = 1_000_000_000_000;
  connected = new Set([SITE, OTHER]);
  alerts = newAlerts();
});

describe('the toolbar badge', () => {
  it('lights up for a write the PDS accepted, prompted or not, and says who wrote how much', async () => {
    await alerts.observe(report(createPost()));
    expect(surface.badge).toEqual({
      text: '1',
      title: 'AT Keyring: sites wrote for you in the last 5 minutes\nhttps://site.example: 1 change',
    });
    await alerts.observe(report(createPost(), { prompted: true }));
    await alerts.observe(
      report({
        nsid: 'com.atproto.repo.applyWrites',
        body: {
          repo: ALICE,
          writes: [
            { $type: 'com.atproto.repo.applyWrites#create', collection: POST, value: { text: 'a' } },
            { $type: 'com.atproto.repo.applyWrites#delete', collection: POST, rkey: 'b' },
          ],
        },
      }),
    );
    await alerts.observe(
      report(
        { nsid: 'com.atproto.repo.uploadBlob', body: new Uint8Array([1]), encoding: 'image/png' },
        { origin: OTHER },
      ),
    );
    expect(surface.badge?.text).toBe('5');
    expect(surface.badge?.title.split('\n').slice(1)).toEqual([
      'https://site.example: 4 changes',
      'https://other.example: 1 change',
    ]);
    expect(await alerts.recent()).toEqual({
      sites: [
        { origin: SITE, changes: 4 },
        { origin: OTHER, changes: 1 },
      ],
      windowMinutes: 5,
    });
  });

  it('stays dark for reads, service tokens, rejected and failed calls, and writes the PDS refused', async () => {
    const calls = [
      report(getRecord),
      report(createPost(), { outcome: { kind: 'rejected', reason: 'denied' } }),
      report(createPost(), { outcome: { kind: 'failed', code: -32603, reason: 'timeout' } }),
      report(createPost(), {
        outcome: { kind: 'answered', status: 400, result: { status: 400, headers: {}, body: {} } },
      }),
      report(
        { nsid: 'com.atproto.server.getServiceAuth', params: { aud: 'did:web:x.example' } },
        { method: 'atproto_serviceAuth' },
      ),
    ];
    for (const call of calls) expect(alerts.observe(call)).toBeUndefined();
    await alerts.tick();
    expect(surface.badge).toBeNull();
    expect(surface.notifications).toEqual([]);
    expect((await alerts.recent()).sites).toEqual([]);
  });

  it('goes dark when the window passes, waking the background for it, and keeps counts across a restart', async () => {
    await alerts.observe(report(createPost()));
    expect(surface.wake).toBeGreaterThan(clock + WRITE_WINDOW_MS - 1);
    expect(surface.wake).toBeLessThanOrEqual(clock + WRITE_WINDOW_MS + 10_000);
    clock += 60_000;
    // The worker slept: a new instance reads what the last one kept.
    alerts = newAlerts();
    await alerts.observe(report(createPost()));
    expect(surface.badge?.text).toBe('2');
    // The first write leaves the window; the second stays.
    clock = surface.wake!;
    await alerts.tick();
    expect(surface.badge?.text).toBe('1');
    clock = surface.wake!;
    await alerts.tick();
    expect(surface.badge).toBeNull();
    expect(surface.wake).toBeNull();
  });

  it('counts concurrent writes without losing any', async () => {
    await Promise.all(Array.from({ length: 20 }, () => alerts.observe(report(createPost()))));
    expect(surface.badge?.text).toBe('20');
  });
});

describe('notifications', () => {
  it('are shown only for sites marked "notify", naming the site, the account and what changed', async () => {
    await alerts.observe(report(createPost()));
    expect(surface.notifications).toEqual([]);
    await alerts.setNotify(SITE, true);
    expect(await alerts.notifies(SITE)).toBe(true);
    await alerts.observe(report(createPost('hi there')));
    await alerts.observe(report(createPost(), { origin: OTHER }));
    expect(surface.notifications).toHaveLength(1);
    expect(surface.notifications[0]).toMatchObject({
      title: 'https://site.example wrote as @alice.test',
      message: 'Created a record in app.bsky.feed.post\n“hi there”',
    });
  });

  it('gather a flood of writes: at most one per site per interval, the rest counted in the next', async () => {
    await alerts.setNotify(SITE, true);
    for (let i = 0; i < 50; i++) await alerts.observe(report(createPost()));
    await alerts.observe(
      report({ nsid: 'com.atproto.repo.deleteRecord', body: { repo: ALICE, collection: POST, rkey: 'x' } }),
    );
    expect(surface.notifications).toHaveLength(1);
    expect(surface.wake).toBe(clock + NOTIFY_INTERVAL_MS);
    clock += NOTIFY_INTERVAL_MS - 1;
    await alerts.tick();
    expect(surface.notifications).toHaveLength(1);
    clock += 1;
    await alerts.tick();
    expect(surface.notifications).toHaveLength(2);
    expect(surface.notifications[1]?.message).toBe(
      'Since the last notification:\nCreated 49 records in app.bsky.feed.post\nDeleted a record in app.bsky.feed.post',
    );
    // Nothing more held: the next interval shows nothing, and a later write shows at once.
    clock += NOTIFY_INTERVAL_MS;
    await alerts.tick();
    expect(surface.notifications).toHaveLength(2);
    await alerts.observe(report(createPost()));
    expect(surface.notifications).toHaveLength(3);
  });

  it('quote the site text only as a short plain snippet without hidden or direction-changing characters', async () => {
    await alerts.setNotify(SITE, true);
    const text = `\u202egnp.exe\u2066 ok\u200b\n\nnext\u0007 ${'x'.repeat(500)}`;
    await alerts.observe(report(createPost(text)));
    const quote = surface.notifications[0]?.message.split('\n').at(-1) ?? '';
    for (const hidden of ['\u202e', '\u2066', '\u200b', '\u0007']) expect(quote).not.toContain(hidden);
    expect(quote.startsWith('“gnp.exe ok next ')).toBe(true);
    expect(Array.from(quote).length).toBeLessThanOrEqual(80 + 3);
    expect(plainSnippet('a\u202eb')).toBe('ab');
    expect(plainSnippet('x'.repeat(81))).toBe(`${'x'.repeat(80)}…`);
  });

  it('stop, and the setting goes, when the site is no longer connected', async () => {
    await alerts.setNotify(SITE, true);
    await alerts.setNotify(OTHER, true);
    connected.delete(SITE);
    await alerts.forgetDisconnected();
    expect(await alerts.notifies(SITE)).toBe(false);
    expect(await newAlerts().notifies(SITE)).toBe(false);
    expect(await newAlerts().notifies(OTHER)).toBe(true);
    await alerts.observe(report(createPost()));
    expect(surface.notifications).toEqual([]);
  });

  it('are cleared by a revoke that leaves the site without a grant, and come back with its undo', async () => {
    await alerts.setNotify(SITE, true);
    await alerts.siteRevoked(SITE, 'token-1'); // another account's grant remains
    expect(await alerts.notifies(SITE)).toBe(true);
    connected.delete(SITE);
    await alerts.siteRevoked(SITE, 'token-2');
    expect(await alerts.notifies(SITE)).toBe(false);
    await alerts.revokeUndone('token-1');
    expect(await alerts.notifies(SITE)).toBe(false);
    connected.add(SITE);
    await alerts.revokeUndone('token-2');
    expect(await alerts.notifies(SITE)).toBe(true);
    // A token works once.
    await alerts.setNotify(SITE, false);
    await alerts.revokeUndone('token-2');
    expect(await alerts.notifies(SITE)).toBe(false);
  });
});
