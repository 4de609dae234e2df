import { describe, expect, it } from 'vitest';
import { asBlobRef, blobRefsIn } from './blob-refs';

const A = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const B = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e';

describe('blob references', () => {
  it('reads the current and the legacy form', () => {
    expect(asBlobRef({ $type: 'blob', ref: { $link: A }, mimeType: 'image/png', size: 3 })).toEqual({
      cid: A,
      mimeType: 'image/png',
      size: 3,
    });
    expect(asBlobRef({ cid: A, mimeType: 'image/jpeg' })).toEqual({ cid: A, mimeType: 'image/jpeg' });
  });

  it('is not fooled by look-alikes', () => {
    expect(asBlobRef({ $type: 'blob', ref: A, mimeType: 'image/png' })).toBeUndefined();
    expect(asBlobRef({ $type: 'blob', ref: { $link: A } })).toBeUndefined();
    expect(asBlobRef({ $type: 'app.bsky.embed.images', cid: A, mimeType: 'image/png' })).toBeUndefined();
    expect(asBlobRef([A])).toBeUndefined();
  });

  it('finds every blob in a request body, each CID once, however deep', () => {
    const body = {
      repo: 'did:plc:alice',
      record: {
        embed: {
          images: [
            { alt: '', image: { $type: 'blob', ref: { $link: A }, mimeType: 'image/png', size: 1 } },
            { alt: '', image: { $type: 'blob', ref: { $link: A }, mimeType: 'image/png', size: 1 } },
          ],
        },
        deeper: { a: { b: { c: { cid: B, mimeType: 'image/webp' } } } },
        link: { $link: 'bafyreirecordcid' },
      },
    };
    expect(blobRefsIn(body).map((r) => r.cid)).toEqual([A, B]);
    expect(blobRefsIn({ text: 'no blobs', list: [1, 'two', null] })).toEqual([]);
  });
});
