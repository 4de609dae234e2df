import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseMessagesFile } from '@wxt-dev/i18n/build';
import { describe, expect, it } from 'vitest';

// The catalogue is checked against the code that reads it, so it never rots: every key used exists,
// every key exists because something uses it.

const root = join(import.meta.dirname, '../..');
const catalogueFile = join(import.meta.dirname, 'en.yml');

/** Source files that may read the catalogue: src/ and entrypoints/ (tests aside) and the manifest's config. */
function sourceFiles(): string[] {
  const files = ['src', 'entrypoints'].flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
      .map((file) => join(root, dir, file)),
  );
  return [...files, join(root, 'wxt.config.ts')];
}

/** What browser.i18n calls a key: dots become underscores, and case does not count. */
const chromeName = (key: string) => key.replaceAll('.', '_').toLowerCase();

// i18n.t('key', …) and richText('key', …); the manifest says __MSG_key__.
const CALL = /\b(?:i18n\.t|richText)\(\s*/g;
const LITERAL_KEY = /^(['"])([\w.]+)\1/;
const MANIFEST_KEY = /__MSG_(\w+)__/g;

async function catalogueKeys(): Promise<string[]> {
  const messages = await parseMessagesFile(catalogueFile);
  // The parser adds the browser's predefined @@ messages; they are not ours.
  return messages.map((m) => m.key.join('.')).filter((key) => !key.startsWith('@@'));
}

function usages() {
  const keys: { key: string; file: string }[] = [];
  const dynamic: string[] = [];
  for (const file of sourceFiles()) {
    const text = readFileSync(file, 'utf8');
    const where = relative(root, file);
    for (const call of text.matchAll(CALL)) {
      const literal = text.slice(call.index + call[0].length).match(LITERAL_KEY);
      if (literal) keys.push({ key: literal[2]!, file: where });
      else dynamic.push(`${where}: ${text.slice(call.index).split('\n')[0]}`);
    }
    for (const msg of text.matchAll(MANIFEST_KEY)) keys.push({ key: msg[1]!, file: where });
  }
  return { keys, dynamic };
}

describe('the English catalogue (src/locales/en.yml)', () => {
  it('has every key the code reads', async () => {
    const known = new Set((await catalogueKeys()).map(chromeName));
    const missing = usages().keys.filter(({ key }) => !known.has(chromeName(key)));
    expect(missing).toEqual([]);
  });

  it('has no key that nothing reads', async () => {
    const used = new Set(usages().keys.map(({ key }) => chromeName(key)));
    const unused = (await catalogueKeys()).filter((key) => !used.has(chromeName(key)));
    expect(unused).toEqual([]);
  });

  it('is read with literal keys only, so the two checks above see every use', () => {
    expect(usages().dynamic).toEqual([]);
  });

  it('has keys that stay distinct as browser.i18n names (underscores, any case)', async () => {
    const names = (await catalogueKeys()).map(chromeName);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    for (const name of names) expect(name).toMatch(/^[a-z0-9_]+$/);
  });

  it('fills values in with {name} placeholders, never $ (the browser would read it as its own syntax)', async () => {
    const messages = await parseMessagesFile(catalogueFile);
    const withDollar = messages.filter(
      (m) => !m.key[0]!.startsWith('@@') && m.type === 'simple' && m.message.includes('$'),
    );
    expect(withDollar.map((m) => m.key.join('.'))).toEqual([]);
  });
});
