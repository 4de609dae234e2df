/**
 * The extension pages' CSS against WCAG 2.2 AA, read from the stylesheets themselves: the palette's
 * contrast in light and dark (1.4.3 text ≥ 4.5:1, 1.4.11 control borders ≥ 3:1), every colour taken
 * from the palette (so the measured pairs are all there is), and no text under 13 px.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const UI_DIR = import.meta.dirname;
const PALETTE_FILE = path.join(UI_DIR, 'popup/popup.css');
const CSS_FILES = readdirSync(UI_DIR, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.css'))
  .map((f) => path.join(UI_DIR, f));
const MIN_FONT_PX = 13;

const stripComments = (css: string) => css.replace(/\/\*[\s\S]*?\*\//g, '');

/** The custom properties declared in a block body. */
function customProperties(body: string): Record<string, string> {
  return Object.fromEntries([...body.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

/** The light palette (the top-level :root) and the dark one (its overrides under prefers-color-scheme: dark). */
function palettes(): { light: Record<string, string>; dark: Record<string, string> } {
  const css = stripComments(readFileSync(PALETTE_FILE, 'utf8'));
  const dark = /@media\s*\(prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{([^}]*)\}\s*\}/.exec(css);
  if (!dark) throw new Error('no dark palette in popup.css');
  const top = css.replace(dark[0], '');
  const light = /(?:^|\})\s*:root\s*\{([^}]*)\}/.exec(top);
  if (!light) throw new Error('no :root palette in popup.css');
  const lightVars = customProperties(light[1]);
  return { light: lightVars, dark: { ...lightVars, ...customProperties(dark[1]) } };
}

/** WCAG 2.x relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = m.slice(1).map((h) => {
    const c = Number.parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** [foreground, background, minimum ratio, what it is]. */
const PAIRS: [string, string, number, string][] = [
  ['--text', '--canvas', 4.5, 'body text'],
  ['--muted', '--canvas', 4.5, 'notes and labels'],
  ['--accent', '--canvas', 4.5, 'the origin, links'],
  ['--danger', '--canvas', 4.5, 'error text, the sign-out button'],
  ['--on-accent', '--accent-fill', 4.5, 'primary buttons, the Active badge'],
  ['--on-danger', '--danger-fill', 4.5, 'error boxes'],
  ['--control-border', '--canvas', 3, 'button, input and site-content borders'],
  ['--accent-fill', '--canvas', 3, "a primary button's edge"],
  ['--danger', '--canvas', 3, "a danger button's border"],
];

describe('the palette (src/ui/popup/popup.css)', () => {
  const { light, dark } = palettes();

  for (const [scheme, vars] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    it(`meets WCAG 2.2 AA contrast in ${scheme} mode`, () => {
      const failing = PAIRS.map(([fg, bg, min, what]) => ({
        what,
        fg,
        bg,
        min,
        ratio: Math.round(contrast(vars[fg], vars[bg]) * 100) / 100,
      })).filter((p) => !(p.ratio >= p.min));
      expect(failing).toEqual([]);
    });
  }

  it('the contrast formula is WCAG’s (black on white is 21:1, a colour on itself 1:1)', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#1463d8', '#1463d8')).toBe(1);
    // The dark mode of before this palette: muted grey on the browser's dark canvas.
    expect(contrast('#6b7280', '#121212')).toBeLessThan(4.5);
  });
});

/** Declarations outside the palette blocks: [file, property, value]. */
function declarations(): [string, string, string][] {
  return CSS_FILES.flatMap((file) => {
    const css = stripComments(readFileSync(file, 'utf8'));
    return [...css.matchAll(/([\w-]+)\s*:\s*([^;{}]+);/g)]
      .filter((m) => !m[1].startsWith('--'))
      .map((m): [string, string, string] => [path.relative(UI_DIR, file), m[1], m[2].trim()]);
  });
}

/** Colour literals: hex, functional notations, and the named colours a stylesheet might reach for. */
const COLOUR_LITERAL =
  /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(|\b(?:white|black|red|green|blue|gray|grey|silver|yellow|orange|purple|navy|maroon)\b/i;

describe('the stylesheets of the popup and the consent window', () => {
  it('are found', () => {
    expect(CSS_FILES.map((f) => path.relative(UI_DIR, f)).sort()).toEqual(
      expect.arrayContaining(['consent/consent.css', 'popup/popup.css']),
    );
  });

  it('take every colour from the palette', () => {
    const literal = declarations().filter(([, , value]) => COLOUR_LITERAL.test(value));
    expect(literal).toEqual([]);
  });

  it(`set no text smaller than ${MIN_FONT_PX} px`, () => {
    const tooSmall = declarations().filter(([, property, value]) => {
      if (property !== 'font-size' && property !== 'font') return false;
      const size = /(?:^|\s)(\d+(?:\.\d+)?)(px|em|rem|%)\b/.exec(value);
      if (!size) return property === 'font-size' && !/^(inherit|initial|unset|larger|medium|large)$/.test(value);
      const [, n, unit] = size;
      return unit === 'px' ? Number(n) < MIN_FONT_PX : unit === '%' ? Number(n) < 100 : Number(n) < 1;
    });
    expect(tooSmall).toEqual([]);
  });
});
