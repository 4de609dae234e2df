/**
 * Text chosen by a website (record text, handles, field names, file names) as
 * the consent window may show it. The window is privileged: what the site
 * writes must never be able to pass for what AT Keyring says. So site text is
 * only ever text (never markup), characters that are invisible or reorder
 * what follows them are shown as visible markers instead of acting, and its
 * length is capped.
 *
 * This module is pure: it turns a string into segments; `SiteText.tsx`
 * renders them, each kind styled so that a site cannot forge a marker by
 * writing the marker's characters (those stay plain text).
 */

export type SiteTextSegment =
  /** Ordinary characters, shown as they are. */
  | { kind: 'text'; text: string }
  /** A character that is invisible or changes text direction, shown by its code point. */
  | { kind: 'hidden'; codePoint: string }
  /** Where the cap cut the text: how many characters were left out. */
  | { kind: 'cut'; omitted: number };

/** Longest site text the window shows in one place (characters); more is cut with a marker. */
export const SITE_TEXT_MAX = 3_000;

/**
 * Format characters (Unicode category Cf: bidirectional overrides, isolates
 * and marks, zero-width space/joiners, word joiner, BOM, tag characters, soft
 * hyphen…), line/paragraph separators and the C0/C1 controls (Cc) except
 * newline and tab.
 */
const HIDDEN = /[\p{Cf}\p{Cc}\u2028\u2029]/u;
const KEPT_CONTROLS = new Set(['\n', '\t']);
const EMOJI = /\p{Extended_Pictographic}/u;
const ZWJ = '\u200d';

/** U+202E style name of a code point. */
export const codePointName = (char: string): string =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Splits site text into what to show. A zero-width joiner between two emoji
 * (family and profession emoji sequences) is kept: it only joins pictures and
 * cannot reorder or hide text.
 */
export function siteTextSegments(text: string, max: number = SITE_TEXT_MAX): SiteTextSegment[] {
  const chars = Array.from(text);
  const shown = chars.length > max ? chars.slice(0, max) : chars;
  const segments: SiteTextSegment[] = [];
  let run = '';
  const flush = () => {
    if (run) segments.push({ kind: 'text', text: run });
    run = '';
  };
  for (let i = 0; i < shown.length; i++) {
    const char = shown[i] as string;
    const joinsEmoji = char === ZWJ && EMOJI.test(shown[i - 1] ?? '') && EMOJI.test(shown[i + 1] ?? '');
    if (HIDDEN.test(char) && !KEPT_CONTROLS.has(char) && !joinsEmoji) {
      flush();
      segments.push({ kind: 'hidden', codePoint: codePointName(char) });
    } else {
      run += char;
    }
  }
  flush();
  if (chars.length > shown.length) segments.push({ kind: 'cut', omitted: chars.length - shown.length });
  return segments;
}

/** True when the text holds anything the window shows as a marker (worth a warning line). */
export function hasHiddenCharacters(text: string): boolean {
  return siteTextSegments(text, Number.POSITIVE_INFINITY).some((s) => s.kind === 'hidden');
}
