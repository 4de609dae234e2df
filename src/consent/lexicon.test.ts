import documents from 'virtual:record-lexicons';
import type { LexiconDoc } from '@atproto/lexicon';
import { describe, expect, it } from 'vitest';
import { validateRecord } from './lexicon';
import { recordLexiconClosure } from './record-lexicons';

const CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const createdAt = '2025-01-01T00:00:00.000Z';

describe('validateRecord', () => {
  it('passes a well-formed post, images and all', async () => {
    const post = {
      $type: 'app.bsky.feed.post',
      text: 'hello',
      createdAt,
      embed: {
        $type: 'app.bsky.embed.images',
        images: [{ alt: 'a dot', image: { $type: 'blob', ref: { $link: CID }, mimeType: 'image/png', size: 70 } }],
      },
    };
    expect(await validateRecord(post, 'app.bsky.feed.post')).toEqual({ status: 'valid' });
    expect(await validateRecord({ $type: 'app.bsky.graph.follow', subject: 'did:plc:abc', createdAt })).toEqual({
      status: 'valid',
    });
  });

  it("says why a record of a known lexicon does not validate, in the validator's words", async () => {
    expect(await validateRecord({ $type: 'app.bsky.feed.post', text: 'no date' }, 'app.bsky.feed.post')).toEqual({
      status: 'invalid',
      message: 'Record must have the property "createdAt"',
    });
    const long = await validateRecord({ $type: 'app.bsky.feed.post', text: 'x'.repeat(3001), createdAt });
    expect(long).toMatchObject({ status: 'invalid', message: expect.stringMatching(/text must not be longer/) });
    const badImage = await validateRecord({
      $type: 'app.bsky.feed.post',
      text: '',
      createdAt,
      embed: { $type: 'app.bsky.embed.images', images: [{ alt: '', image: 'https://example.com/x.png' }] },
    });
    expect(badImage).toMatchObject({ status: 'invalid', message: expect.stringMatching(/blob ref/) });
  });

  it('refuses a $type that is missing or differs from the collection', async () => {
    expect(await validateRecord({ text: 'hi', createdAt }, 'app.bsky.feed.post')).toMatchObject({
      status: 'invalid',
      message: expect.stringMatching(/\$type/),
    });
    expect(
      await validateRecord({ $type: 'app.bsky.feed.like', text: 'hi', createdAt }, 'app.bsky.feed.post'),
    ).toMatchObject({
      status: 'invalid',
      message: expect.stringMatching(/Invalid \$type/),
    });
  });

  it('knows no lexicon for other collections, nor for a record without a type', async () => {
    expect(await validateRecord({ $type: 'com.example.thing', x: 1 }, 'com.example.thing')).toEqual({
      status: 'unknown',
    });
    expect(await validateRecord({ $type: 'com.example.thing' })).toEqual({ status: 'unknown' });
    expect(await validateRecord({ x: 1 })).toEqual({ status: 'unknown' });
    // A known id that defines no record (a query) is not a record lexicon.
    expect(await validateRecord({ $type: 'app.bsky.feed.getTimeline' })).toEqual({ status: 'unknown' });
  });

  it('turns a malformed CID link into a verdict, not an exception', async () => {
    const verdict = await validateRecord({
      $type: 'app.bsky.feed.like',
      subject: { uri: 'at://did:plc:abc/app.bsky.feed.post/1', cid: 'not-a-cid' },
      createdAt,
    });
    expect(verdict.status).toBe('invalid');
  });
});

describe('the shipped lexicons', () => {
  it('are the record lexicons and what their refs reach, and nothing else', () => {
    const ids = documents.map((d) => d.id);
    for (const id of [
      'app.bsky.feed.post',
      'app.bsky.actor.profile',
      'app.bsky.graph.listitem',
      'app.bsky.embed.images',
    ]) {
      expect(ids).toContain(id);
    }
    expect(ids).not.toContain('app.bsky.feed.getTimeline');
    expect(ids).not.toContain('tools.ozone.moderation.emitEvent');
    // Closed under refs: cutting again keeps them all.
    expect(recordLexiconClosure(documents).map((d) => d.id)).toEqual(ids);
  });

  it('follow refs across documents and within one', () => {
    const doc = (id: LexiconDoc['id'], defs: LexiconDoc['defs']): LexiconDoc => ({ lexicon: 1, id, defs });
    const docs = [
      doc('x.a.record', {
        main: {
          type: 'record',
          record: {
            type: 'object',
            properties: { x: { type: 'ref', ref: 'lex:x.b.defs#thing' }, y: { type: 'ref', ref: '#local' } },
          },
        },
        local: { type: 'token' },
      }),
      doc('x.b.defs', {
        thing: { type: 'object', properties: { u: { type: 'union', refs: ['lex:x.c.embed', 'lex:x.d.embed#view'] } } },
      }),
      doc('x.c.embed', { main: { type: 'object', properties: {} } }),
      doc('x.d.embed', { view: { type: 'object', properties: {} } }),
      doc('x.e.query', { main: { type: 'query' } }),
    ];
    expect(recordLexiconClosure(docs).map((d) => d.id)).toEqual(['x.a.record', 'x.b.defs', 'x.c.embed', 'x.d.embed']);
  });
});
