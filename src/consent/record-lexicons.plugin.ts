/**
 * Build step (Vite plugin, runs in Node): `virtual:record-lexicons` is the
 * record lexicons of the installed @atproto/api, cut down to what validates
 * records (see record-lexicons.ts). The documents are written as one JSON
 * string, which the browser parses faster than an object literal.
 */
import { createRequire } from 'node:module';
import type { LexiconDoc } from '@atproto/lexicon';
import type { Plugin } from 'vite';
import { recordLexiconClosure } from './record-lexicons.ts';

const ID = 'virtual:record-lexicons';
const RESOLVED = `\0${ID}`;

export function recordLexicons(): Plugin {
  return {
    name: 'at-keyring:record-lexicons',
    resolveId: (id) => (id === ID ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      const { schemas } = createRequire(import.meta.url)('@atproto/api/dist/client/lexicons.js') as {
        schemas: LexiconDoc[];
      };
      const documents = JSON.stringify(recordLexiconClosure(schemas));
      return `export default JSON.parse(${JSON.stringify(documents)});`;
    },
  };
}
