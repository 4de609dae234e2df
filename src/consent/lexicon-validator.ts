/**
 * The validator itself: @atproto/lexicon and the record lexicons. Loaded only
 * through lexicon.ts's dynamic import, so it is a chunk of its own that the
 * consent window fetches after its first paint.
 */

import documents from 'virtual:record-lexicons';
import { jsonToLex, Lexicons } from '@atproto/lexicon';
import type { LexiconVerdict } from './lexicon';

const lexicons = new Lexicons(documents);

export function checkRecord(record: unknown, lexiconId: string): LexiconVerdict {
  if (lexicons.getDef(lexiconId)?.type !== 'record') return { status: 'unknown' };
  try {
    // Blob refs, CID links and bytes arrive in their JSON spelling; the validator wants them decoded.
    lexicons.assertValidRecord(lexiconId, jsonToLex(record as Parameters<typeof jsonToLex>[0]));
    return { status: 'valid' };
  } catch (err) {
    return { status: 'invalid', message: err instanceof Error ? err.message : String(err) };
  }
}
