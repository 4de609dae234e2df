/**
 * Which lexicon documents the consent window ships to validate records: the
 * documents that define a record, and every document their refs reach (an
 * embed, a facet, a strong ref…). The rest of the Bluesky and ATProto
 * lexicons (queries, procedures, moderation tools) validate no record and
 * would only weigh on the bundle.
 */
import type { LexiconDoc } from '@atproto/lexicon';

/** The document a ref names: `lex:app.bsky.embed.images#view` and `#view` (in its own document). */
const documentOf = (ref: string, own: string) => {
  const id = ref.replace(/^lex:/, '').split('#')[0]!;
  return id === '' ? own : id;
};

function refsIn(value: unknown, own: string, found: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) refsIn(item, own, found);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const def = value as { type?: unknown; ref?: unknown; refs?: unknown };
  if (def.type === 'ref' && typeof def.ref === 'string') found.add(documentOf(def.ref, own));
  if (def.type === 'union' && Array.isArray(def.refs)) {
    for (const ref of def.refs) if (typeof ref === 'string') found.add(documentOf(ref, own));
  }
  for (const child of Object.values(value)) refsIn(child, own, found);
}

/** The record-defining documents among `docs` and the documents they reach, in the order of `docs`. */
export function recordLexiconClosure(docs: readonly LexiconDoc[]): LexiconDoc[] {
  const byId = new Map<string, LexiconDoc>(docs.map((doc) => [doc.id, doc]));
  const kept = new Set<string>();
  const pending: string[] = docs
    .filter((doc) => Object.values(doc.defs).some((def) => def.type === 'record'))
    .map((d) => d.id);
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const doc = byId.get(id);
    if (!doc || kept.has(id)) continue;
    kept.add(id);
    const refs = new Set<string>();
    refsIn(doc.defs, id, refs);
    pending.push(...refs);
  }
  return docs.filter((doc) => kept.has(doc.id));
}
