import { describe, expect, it } from 'vitest';
import { codePointName, hasHiddenCharacters, siteTextSegments } from './site-text';

const hidden = (text: string) =>
  siteTextSegments(text)
    .filter((s) => s.kind === 'hidden')
    .map((s) => (s.kind === 'hidden' ? s.codePoint : ''));

describe('site text as the consent window shows it', () => {
  it('keeps ordinary text, newlines and tabs as they are', () => {
    expect(siteTextSegments('hello\nworld\tand émoji 🎉')).toEqual([
      { kind: 'text', text: 'hello\nworld\tand émoji 🎉' },
    ]);
  });

  it('shows a right-to-left override as a marker instead of letting it reverse what follows', () => {
    // "Delete nothing" rendered with an override would read differently from its bytes.
    expect(siteTextSegments('invoice\u202Etxt.exe')).toEqual([
      { kind: 'text', text: 'invoice' },
      { kind: 'hidden', codePoint: 'U+202E' },
      { kind: 'text', text: 'txt.exe' },
    ]);
  });

  it('marks every bidirectional control, zero-width and other invisible character', () => {
    const attacks = [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200E',
      '\u200F',
      '\u061C',
    ];
    const invisible = [
      '\u200B',
      '\u200C',
      '\u2060',
      '\uFEFF',
      '\u00AD',
      '\u{E0041}',
      '\u2028',
      '\u2029',
      '\u0000',
      '\u001B',
      '\u0085',
    ];
    for (const char of [...attacks, ...invisible]) expect(hidden(`a${char}b`)).toEqual([codePointName(char)]);
  });

  it('marks a zero-width joiner that joins letters, keeps one inside an emoji sequence', () => {
    expect(hidden('pay\u200Dpal')).toEqual(['U+200D']);
    expect(hidden('👩\u200D💻 at work')).toEqual([]);
    expect(hidden('\u200D👩')).toEqual(['U+200D']);
  });

  it('a site writing the marker text itself gets plain text, not a marker', () => {
    expect(siteTextSegments('U+202E')).toEqual([{ kind: 'text', text: 'U+202E' }]);
  });

  it('caps the length by characters (not UTF-16 units) and says how much was left out', () => {
    const segments = siteTextSegments('😀'.repeat(10), 4);
    expect(segments).toEqual([
      { kind: 'text', text: '😀'.repeat(4) },
      { kind: 'cut', omitted: 6 },
    ]);
  });

  it('hasHiddenCharacters sees past the cap', () => {
    expect(hasHiddenCharacters(`${'a'.repeat(5000)}\u202E`)).toBe(true);
    expect(hasHiddenCharacters('plain')).toBe(false);
  });
});
