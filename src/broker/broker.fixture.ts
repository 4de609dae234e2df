/** Shared set-up of the broker tests: a Broker over a fresh database with a fake PDS and a scripted user. */
import { vi } from 'vitest';
import { Keyring, type KeyringPlatform } from '../accounts/keyring';
import type { CallObserver } from '../activity/call-report';
import { BlobPreviews } from '../consent/blob-previews';
import { RecentUploads } from '../consent/recent-uploads';
import { DEFAULT_SETTINGS } from '../oauth/settings';
import { type PageEvent, RELAY_REQUEST, toWire } from '../protocol/page';
import {
  type AccountRecord,
  type KeyringDB,
  openKeyringDB,
  type PromptDecision,
  type PromptRecord,
} from '../storage/db';
import { Broker } from './broker';
import { GrantStore } from './grants';
import { PromptManager } from './prompts';
import { OriginRateLimiter } from './rate-limit';
import { type FrameRef, SiteEvents } from './site-events';
import type { FetchHandlerSession } from './xrpc';

let dbCounter = 0;

export const ALICE = 'did:plc:alice';
export const BOB = 'did:plc:bob';
export const SITE = 'https://site.example';

export function account(did: string, handle: string): AccountRecord {
  return {
    did,
    handle,
    pds: 'https://pds.example/',
    issuer: 'https://pds.example',
    scope: 'atproto transition:generic',
    signedInAt: 1,
    tokensUpdatedAt: 1,
    accessExpiresAt: null,
    sessionExpiresAt: Date.now() + 1e9,
    health: { state: 'ok' },
  };
}

/** A scripted user: answers each prompt as told (or leaves it pending). */
export class FakeUser {
  answers: Array<PromptDecision | 'pending'> = [];
  prompts: PromptRecord[] = [];
  windows = new Map<number, string>();
  nextWindow = 1;
  manager?: PromptManager;
  db?: KeyringDB;

  async open(promptId: string): Promise<number> {
    const id = this.nextWindow++;
    this.windows.set(id, promptId);
    const prompt = await this.db!.get('prompts', promptId);
    this.prompts.push(prompt!);
    const answer = this.answers.shift() ?? 'pending';
    if (answer !== 'pending') setTimeout(() => void this.manager!.decide(promptId, answer), 0);
    return id;
  }
  async close(windowId: number) {
    this.windows.delete(windowId);
  }
}

/** A fake PDS behind the session's fetch handler. */
export class FakePds implements FetchHandlerSession {
  calls: Array<{ path: string; method: string; headers: Record<string, string>; body?: unknown; blob?: Blob }> = [];
  respond: (path: string, init: RequestInit) => Response = () =>
    new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'content-type': 'application/json' } });
  async fetchHandler(path: string, init: RequestInit = {}) {
    const call: FakePds['calls'][number] = {
      path,
      method: init.method ?? 'GET',
      headers: (init.headers as Record<string, string>) ?? {},
      body: init.body,
    };
    // Recorded in call order; bytes are sent as a Blob, so the entry then gets what the PDS would receive, read
    // as the browser's network stack reads it (not through the object's own, possibly replaced, methods).
    this.calls.push(call);
    if (init.body instanceof Blob) {
      call.blob = init.body;
      call.body = new Uint8Array(await Blob.prototype.arrayBuffer.call(init.body));
    }
    return this.respond(path, init);
  }
}

export async function createBrokerFixture(
  options: { limiter?: OriginRateLimiter; xrpcTimeoutMs?: number; observers?: CallObserver[] } = {},
) {
  const db = await openKeyringDB(`broker-test-${++dbCounter}`);
  const platform: KeyringPlatform = {
    openAuthorizationPage: async () => undefined,
    launchWebAuthFlow: async () => '',
    redirectBase: () => 'https://x.chromiumapp.org/',
    oauthKit: () => import('../oauth/kit'),
    notify: () => {},
  };
  const keyring = new Keyring(db, platform, DEFAULT_SETTINGS);
  await db.put('accounts', account(ALICE, 'alice.test'));
  await db.put('accounts', account(BOB, 'bob.test'));
  await db.put('meta', ALICE, 'activeDid');
  const pds = new FakePds();
  vi.spyOn(keyring, 'session').mockImplementation(async () => pds as never);

  const user = new FakeUser();
  user.db = db;
  // The clock of prompts, grants and the broker can be moved on (past a cooldown, past a grant's end).
  let skew = 0;
  const clock = { now: () => Date.now() + skew, advance: (ms: number) => void (skew += ms) };
  const prompts = new PromptManager(db, user, clock.now);
  user.manager = prompts;
  const grants = new GrantStore(db, clock.now);
  const sent: Array<{ frame: FrameRef; event: PageEvent }> = [];
  let frames: FrameRef[] = [];
  const events = new SiteEvents(
    { load: async () => frames, save: async (f) => void (frames = f) },
    async (frame, message) => {
      const { kind: _kind, ...event } = message;
      sent.push({ frame, event: event as PageEvent });
    },
  );
  // No PDS to read blobs back from: previews come from what the broker kept.
  const previews = new BlobPreviews({ uploads: new RecentUploads(), pdsOf: async () => undefined });
  const broker = new Broker({
    db,
    keyring,
    grants,
    prompts,
    events,
    limiter: options.limiter ?? new OriginRateLimiter(),
    previews,
    xrpcTimeoutMs: options.xrpcTimeoutMs,
    observers: options.observers,
    now: clock.now,
  });
  let nextId = 0;
  const call = (origin: string, method: string, params?: unknown, id = `r${++nextId}`) =>
    broker.handle(origin, {
      kind: RELAY_REQUEST,
      id,
      method,
      params: params === undefined ? undefined : toWire(params),
    });
  return { db, keyring, broker, grants, prompts, events, user, pds, sent, call, clock, previews };
}
