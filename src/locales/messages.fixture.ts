import { join } from 'node:path';
import { generateChromeMessages, parseMessagesFile } from '@wxt-dev/i18n/build';
import { fakeBrowser } from 'wxt/testing/fake-browser';

/** Gives the fake browser.i18n the built extension's messages: those generated from the English catalogue. */
export async function useEnglishMessages(): Promise<void> {
  const messages = generateChromeMessages(await parseMessagesFile(join(import.meta.dirname, 'en.yml')));
  const byName = new Map(Object.entries(messages).map(([name, m]) => [name.toLowerCase(), m.message]));
  fakeBrowser.i18n.getMessage = (name: string) => byName.get(name.toLowerCase()) ?? '';
}
