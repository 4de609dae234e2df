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
