/**
 * Does a record match its lexicon? For records whose type is one of the
 * Bluesky or ATProto lexicons, the answer of @atproto/lexicon's validator;
 * for others, "unknown". The validator and the documents are loaded on first
 * use (a separate chunk), so the consent window paints without waiting.
 *
 * A renderer showing a record calls `validateRecord(record, collection)`, or
 * puts `<LexiconCheck record collection />` (src/ui/consent/LexiconCheck.tsx)
 * beside it.
 */
import { isPlainObject } from '../protocol/basics';

export type LexiconVerdict =
  | { status: 'valid' }
  /** `message` is the validator's, and holds site-chosen names and values: show it as site text. */
  | { status: 'invalid'; message: string }
  | { status: 'unknown' };

let validator: Promise<typeof import('./lexicon-validator')> | undefined;

/**
 * Validates a record against the lexicon of its collection (for a repo write),
 * else of its `$type`. A record of a known collection whose `$type` differs,
 * or is missing, does not validate.
 */
export async function validateRecord(record: unknown, collection?: string): Promise<LexiconVerdict> {
  const type = isPlainObject(record) && typeof record.$type === 'string' ? record.$type : undefined;
  const lexiconId = collection ?? type;
  if (!lexiconId) return { status: 'unknown' };
  validator ??= import('./lexicon-validator');
  return (await validator).checkRecord(record, lexiconId);
}
