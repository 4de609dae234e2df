import { join } from 'node:path';
import { parseMessagesFile } from '@wxt-dev/i18n/build';
import { describe, expect, it } from 'vitest';

// Every language carries every key of every other, with the same placeholders: a key missing in one
// language would show the user a blank or a raw key, a lost {placeholder} would drop the fact it carried.

const LANGUAGES = ['en', 'ja'] as const;

/** Messages a translation may leave as they are: names and codes that are the same in every language. */
const SAME_IN_EVERY_LANGUAGE = new Set([
  'extension.name',
  'popup.account.didLabel',
  'popup.siteAccess.addPlaceholder', // an example address
  'consent.tree.null', // the JSON literal a record shows
  'options.network.presetBluesky', // a name
]);

type Entry = { type: string; placeholders: string[]; texts: string[]; plurals: string[] };

async function catalogue(language: string): Promise<Map<string, Entry>> {
  const messages = await parseMessagesFile(join(import.meta.dirname, `${language}.yml`));
  const entries = new Map<string, Entry>();
  for (const message of messages) {
    const key = message.key.join('.');
    if (key.startsWith('@@')) continue; // the browser's predefined messages
    const texts = message.type === 'plural' ? Object.values(message.plurals) : [message.message];
    entries.set(key, {
      type: message.type,
      placeholders: [...message.namedSubstitutions].sort(),
      texts,
      plurals: message.type === 'plural' ? Object.keys(message.plurals).sort() : [],
    });
  }
  return entries;
}

const placeholdersIn = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

describe('the string catalogues (src/locales/*.yml)', () => {
  it('hold the same keys in every language', async () => {
    const [en, ...others] = await Promise.all(LANGUAGES.map(catalogue));
    for (const [index, other] of others.entries()) {
      const language = LANGUAGES[index + 1];
      const missing = [...en!.keys()].filter((key) => !other.has(key));
      const extra = [...other.keys()].filter((key) => !en!.has(key));
      expect({ language, missing, extra }).toEqual({ language, missing: [], extra: [] });
    }
  });

  it('keep each message’s kind, plural forms and placeholders', async () => {
    const [en, ja] = await Promise.all(LANGUAGES.map(catalogue));
    const differences: string[] = [];
    for (const [key, english] of en!) {
      const japanese = ja!.get(key);
      if (!japanese) continue; // reported by the test above
      if (japanese.type !== english.type) differences.push(`${key}: ${japanese.type} vs ${english.type}`);
      if (japanese.plurals.join() !== english.plurals.join()) differences.push(`${key}: plural forms`);
      if (japanese.placeholders.join() !== english.placeholders.join())
        differences.push(`${key}: {${japanese.placeholders}} vs {${english.placeholders}}`);
      // Each form of a plural may drop {count} ("1 change" says it in words) but never invent a name.
      for (const text of japanese.texts)
        for (const name of placeholdersIn(text))
          if (!english.placeholders.includes(name)) differences.push(`${key}: unknown {${name}}`);
    }
    expect(differences).toEqual([]);
  });

  it('leave no message untranslated or empty', async () => {
    const [en, ja] = await Promise.all(LANGUAGES.map(catalogue));
    const untranslated = [...en!]
      .filter(([key]) => !SAME_IN_EVERY_LANGUAGE.has(key))
      .filter(([key, english]) => {
        const texts = ja!.get(key)?.texts ?? [];
        return texts.some((text) => text.trim() === '' || english.texts.includes(text));
      })
      .map(([key]) => key);
    expect(untranslated).toEqual([]);
  });
});
