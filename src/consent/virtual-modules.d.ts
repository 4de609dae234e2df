// Modules made at build time by Vite plugins (wxt.config.ts; vitest.config.ts for the unit tests).

declare module 'virtual:record-lexicons' {
  /** The lexicon documents that validate records (src/consent/record-lexicons.plugin.ts). */
  const documents: import('@atproto/lexicon').LexiconDoc[];
  export default documents;
}
