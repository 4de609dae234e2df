import { describe, expect, it } from 'vitest';
import {
  APPROVING_TEST_IDS,
  consentKeyAction,
  type FocusCandidate,
  initialFocusTarget,
  type KeyPress,
  type KeyTarget,
  REFUSING_TEST_IDS,
} from './keyboard';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  repeat: false,
  isComposing: false,
  defaultPrevented: false,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...extra,
});

const element = (tagName: string, attrs: Record<string, string> = {}, extra: Partial<KeyTarget> = {}): KeyTarget => ({
  tagName,
  hasAttribute: (name) => name in attrs,
  ...extra,
});

describe('consentKeyAction', () => {
  it('Escape rejects, wherever the focus is', () => {
    for (const target of [null, element('BODY'), element('H1'), element('INPUT', {}, { type: 'text' })])
      expect(consentKeyAction(press('Escape'), target)).toBe('reject');
  });

  it('Escape with a modifier, while composing, or already handled by a component, is left alone', () => {
    expect(consentKeyAction(press('Escape', { shiftKey: true }), null)).toBe('default');
    expect(consentKeyAction(press('Escape', { ctrlKey: true }), null)).toBe('default');
    expect(consentKeyAction(press('Escape', { isComposing: true }), null)).toBe('default');
    expect(consentKeyAction(press('Escape', { defaultPrevented: true }), null)).toBe('default');
  });

  it('Enter does nothing on the heading, the page, a radio button or a checkbox', () => {
    const inert = [
      null,
      element('BODY'),
      element('H1', { tabindex: '-1' }),
      element('DIV'),
      element('INPUT', {}, { type: 'radio' }),
      element('INPUT', {}, { type: 'checkbox' }),
      element('A'), // no href: not a link
    ];
    for (const target of inert) expect(consentKeyAction(press('Enter'), target), target?.tagName).toBe('swallow');
  });

  it('Enter acts where it is the way to act: a button, a link, a summary, a text field', () => {
    const active = [
      element('BUTTON'),
      element('A', { href: '#' }),
      element('SUMMARY'),
      element('TEXTAREA'),
      element('INPUT', {}, { type: 'text' }),
      element('INPUT', {}, { type: '' }),
      element('DIV', {}, { isContentEditable: true }),
    ];
    for (const target of active) expect(consentKeyAction(press('Enter'), target), target.tagName).toBe('default');
  });

  it('an Enter held down since before the window opened is swallowed even on a button', () => {
    expect(consentKeyAction(press('Enter', { repeat: true }), element('BUTTON'))).toBe('swallow');
  });

  it('other keys keep their default (Tab moves the focus, Space presses a focused button)', () => {
    for (const key of ['Tab', ' ', 'ArrowDown', 'a'])
      expect(consentKeyAction(press(key), element('BUTTON'))).toBe('default');
  });
});

/** A tiny DOM: elements by data-testid, plus the heading. */
function fakeRoot(testIds: string[], heading: boolean) {
  const focused: string[] = [];
  const make = (name: string, attrs: Record<string, string>): FocusCandidate => ({
    tagName: name,
    getAttribute: (a) => attrs[a] ?? null,
    setAttribute: (a, v) => {
      attrs[a] = v;
    },
    hasAttribute: (a) => a in attrs,
    focus: () => focused.push(attrs['data-testid'] ?? name),
  });
  const elements = new Map(testIds.map((id) => [id, make('BUTTON', { 'data-testid': id })]));
  const h1Attrs: Record<string, string> = {};
  const h1 = heading ? make('H1', h1Attrs) : null;
  return {
    focused,
    h1Attrs,
    root: {
      querySelector(selector: string) {
        if (selector === '[data-testid="consent"] h1') return h1;
        // A selector list of [data-testid="…"]: the first listed that exists, as in document order.
        const ids = [...selector.matchAll(/data-testid="([^"]+)"/g)].map((m) => m[1]);
        for (const id of ids) if (elements.has(id)) return elements.get(id)!;
        return null;
      },
    },
  };
}

describe('initialFocusTarget', () => {
  it('starts on the heading, made focusable by script only (tabindex -1)', () => {
    const { root, h1Attrs } = fakeRoot([...REFUSING_TEST_IDS, ...APPROVING_TEST_IDS], true);
    const target = initialFocusTarget(root);
    expect(target?.tagName).toBe('H1');
    expect(h1Attrs.tabindex).toBe('-1');
  });

  it('falls back to the refusing button, and never to an approving one', () => {
    for (const refusing of REFUSING_TEST_IDS) {
      const { root } = fakeRoot([refusing, ...APPROVING_TEST_IDS], false);
      expect(initialFocusTarget(root)?.getAttribute('data-testid')).toBe(refusing);
    }
    const { root } = fakeRoot([...APPROVING_TEST_IDS], false);
    expect(initialFocusTarget(root)).toBeNull();
  });

  it('keeps a tabindex the heading already has', () => {
    const { root, h1Attrs } = fakeRoot([], true);
    h1Attrs.tabindex = '0';
    initialFocusTarget(root);
    expect(h1Attrs.tabindex).toBe('0');
  });
});
