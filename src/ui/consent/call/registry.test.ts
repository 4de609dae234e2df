import { describe, expect, it } from 'vitest';
import type { DisplayedIntent, Json } from '../../../broker/intent';
import { CALL_RENDERERS, rendererFor } from './registry';

const intent = (nsid: string, body: DisplayedIntent['body'], params: DisplayedIntent['params'] = {}) =>
  ({ nsid, key: nsid.toLowerCase(), route: 'pds', httpMethod: 'POST', params, body }) as DisplayedIntent;
const json = (value: Json) => ({ kind: 'json', encoding: 'application/json', value }) as const;

describe('call renderers', () => {
  it('ends with the generic renderer, which takes whatever the others decline', () => {
    expect(CALL_RENDERERS.at(-1)?.name).toBe('generic');
    const unknownWrite = intent(
      'com.atproto.repo.createRecord',
      json({ repo: 'did:plc:a', collection: 'com.example.thing', record: { $type: 'com.example.thing' } }),
    );
    expect(rendererFor(unknownWrite)?.name).toBe('generic');
    expect(rendererFor(intent('com.example.doThing', json({ a: 1 })))?.name).toBe('generic');
    expect(rendererFor(intent('com.example.getThing', { kind: 'none' }, { q: 'x' }))?.name).toBe('generic');
    expect(rendererFor(intent('com.example.note', { kind: 'text', text: 'hi', encoding: 'text/plain' }))?.name).toBe(
      'generic',
    );
  });

  it('shows a binary body as a file', () => {
    const upload = intent('com.atproto.repo.uploadBlob', {
      kind: 'bytes',
      encoding: 'image/png',
      size: 3,
      sha256: '0'.repeat(64),
    });
    expect(rendererFor(upload)?.name).toBe('upload');
  });

  it('has nothing to show for a call without parameters or body', () => {
    expect(rendererFor(intent('com.example.ping', { kind: 'none' }))).toBeUndefined();
  });
});

describe('the content renderers of repo writes and service tokens', () => {
  const write = (nsid: string, collection: string) =>
    intent(nsid, json({ repo: 'did:plc:a', collection, record: { $type: collection } }));
  const applyWrites = (collections: string[]) =>
    intent(
      'com.atproto.repo.applyWrites',
      json({
        repo: 'did:plc:a',
        writes: collections.map((collection) => ({
          $type: 'com.atproto.repo.applyWrites#create',
          collection,
          value: {},
        })),
      }),
    );

  it('draw the repo writes, deletes and applyWrites of the collections they know, and service tokens', () => {
    expect(rendererFor(write('com.atproto.repo.createRecord', 'app.bsky.feed.post'))?.name).toBe('repo-write');
    expect(rendererFor(write('com.atproto.repo.putRecord', 'app.bsky.actor.profile'))?.name).toBe('repo-write');
    expect(rendererFor(write('com.atproto.repo.deleteRecord', 'app.bsky.graph.follow'))?.name).toBe('repo-write');
    expect(rendererFor(applyWrites(['app.bsky.feed.like', 'app.bsky.graph.block']))?.name).toBe('apply-writes');
    const token = intent('com.atproto.server.getServiceAuth', { kind: 'none' }, { aud: 'did:web:x', lxm: 'a.b.c' });
    expect(rendererFor(token)?.name).toBe('service-auth');
  });

  it('leave collections they do not know to the generic view, unless an applyWrites mixes them with known ones', () => {
    expect(rendererFor(write('com.atproto.repo.createRecord', 'com.example.thing'))?.name).toBe('generic');
    expect(rendererFor(applyWrites(['com.example.thing', 'com.example.other']))?.name).toBe('generic');
    expect(rendererFor(applyWrites(['app.bsky.feed.like', 'com.example.thing']))?.name).toBe('apply-writes');
  });
});
