/**
 * What the suites write to the PDS through the extension: atproto_xrpc params
 * for creating records, and a tiny image to upload.
 */

/** A 1×1 PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** atproto_xrpc params creating a record of `collection` (its $type) in `repo`, made now. */
export function createRecordCall(repo: string, collection: string, fields: Record<string, unknown>) {
  return {
    nsid: 'com.atproto.repo.createRecord',
    body: { repo, collection, record: { $type: collection, ...fields, createdAt: new Date().toISOString() } },
  };
}

/** A post saying `text`; `fields` adds to the record (an embed). */
export const createPostCall = (repo: string, text: string, fields: Record<string, unknown> = {}) =>
  createRecordCall(repo, 'app.bsky.feed.post', { text, ...fields });

/** A like of the record at `uri`, under a fixed well-formed cid (the PDS takes it without checking). */
export const createLikeCall = (repo: string, uri: string) =>
  createRecordCall(repo, 'app.bsky.feed.like', {
    subject: { uri, cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm' },
  });
