import { describe, expect, it } from 'vitest';
import type { PromptRecord } from '../storage/db';
import type { ConsentLookups } from './lookup';
import { previewPrompt } from './prompt-preview';

const intent = {
  nsid: 'com.atproto.repo.createRecord',
  params: {},
  body: {
    kind: 'json',
    encoding: 'application/json',
    value: { repo: 'did:plc:a', collection: 'app.bsky.graph.follow', record: { subject: 'did:plc:b' } },
  },
};
const call = { id: 'c1', origin: 'https://site.example', details: { kind: 'call', did: 'did:plc:a', intent } };
const connect = { id: 'k1', origin: 'https://site.example', details: { kind: 'connect', scope: ['atproto'] } };
const lookups = {
  didDocument: async () => ({ ok: false, failure: 'not-found' }),
  identity: async (did: string) => ({ ok: true, value: { did, handle: 'b.test', handleStatus: 'verified' } }),
  record: async () => ({ ok: false, failure: 'not-found' }),
} as unknown as ConsentLookups;

describe('previewPrompt', () => {
  it('previews a call prompt against the grant it is given; null for a connect prompt', async () => {
    const follow = 'atproto repo:app.bsky.graph.follow?action=create';
    const preview = await previewPrompt(call as unknown as PromptRecord, follow, lookups);
    expect(preview).toMatchObject({
      kind: 'writes',
      total: 1,
      writes: [
        {
          action: 'create',
          collection: 'app.bsky.graph.follow',
          covered: true,
          content: {
            type: 'follow',
            subject: { did: 'did:plc:b', identity: { ok: true, value: { handle: 'b.test' } } },
          },
        },
      ],
    });
    expect(previewPrompt(connect as unknown as PromptRecord, follow, lookups)).toBeNull();
  });

  it('marks a write the grant does not allow as not covered', async () => {
    const preview = await previewPrompt(call as unknown as PromptRecord, 'atproto', lookups);
    expect(preview).toMatchObject({ kind: 'writes', writes: [{ covered: false }] });
    const none = await previewPrompt(call as unknown as PromptRecord, undefined, lookups);
    expect(none).toMatchObject({ kind: 'writes', writes: [{ covered: false }] });
  });
});
