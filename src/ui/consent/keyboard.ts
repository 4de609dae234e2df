import { useEffect, useRef } from 'preact/hooks';

/**
 * The consent window's keyboard: where the focus starts, what Escape and Enter do.
 *
 * - The first focus goes to the heading (the question being asked, read out first by a screen
 *   reader), or to the refusing button when there is no heading; never to a button that approves.
 * - Escape refuses, through the same path as the Deny / Cancel button.
 * - Enter acts only where it is the way to act: a button, a link, a summary, a text field (the
 *   sign-in form). On anything else (the heading, a radio button, a checkbox, the page) it does
 *   nothing, and an Enter still held down from the page that opened the window does nothing either.
 *   A button that approves has to be reached on purpose (Tab) and is disabled for a moment anyway
 *   (approval-guard.ts).
 */

/** The data-testid of every button that approves a prompt. */
export const APPROVING_TEST_IDS: readonly string[] = ['consent-approve', 'consent-once', 'consent-always'];
/** The data-testid of the buttons that refuse. */
export const REFUSING_TEST_IDS: readonly string[] = ['consent-deny', 'consent-reject'];

/** What a key press in the consent window comes to. */
export type ConsentKeyAction = 'reject' | 'swallow' | 'default';

export interface KeyPress {
  key: string;
  repeat: boolean;
  isComposing: boolean;
  defaultPrevented: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** The focused element, as far as the decision needs it. */
export interface KeyTarget {
  tagName: string;
  /** An input's type. */
  type?: string;
  hasAttribute?(name: string): boolean;
  isContentEditable?: boolean;
}

/** Input types where Enter submits what was typed (the consent window's sign-in form). */
const TEXT_INPUT_TYPES = new Set(['', 'text', 'search', 'url', 'email', 'password', 'tel']);

/** Whether Enter on this element is its own way to act (so the browser's default runs). */
function enterActsOn(target: KeyTarget | null): boolean {
  if (!target) return false;
  const tag = target.tagName.toLowerCase();
  if (tag === 'button' || tag === 'summary' || tag === 'textarea') return true;
  if (tag === 'a') return target.hasAttribute?.('href') ?? false;
  if (tag === 'input') return TEXT_INPUT_TYPES.has((target.type ?? '').toLowerCase());
  return target.isContentEditable === true;
}

/** Decides what a keydown in the consent window does; the caller acts on it. */
export function consentKeyAction(press: KeyPress, target: KeyTarget | null): ConsentKeyAction {
  // An input method composing text, or a component that handled the key itself.
  if (press.isComposing || press.defaultPrevented) return 'default';
  const modified = press.altKey || press.ctrlKey || press.metaKey || press.shiftKey;
  if (press.key === 'Escape' && !modified) return 'reject';
  if (press.key === 'Enter') {
    if (press.repeat) return 'swallow';
    return enterActsOn(target) ? 'default' : 'swallow';
  }
  return 'default';
}

/** The part of the DOM the first-focus choice reads. */
export interface FocusRoot {
  querySelector(selector: string): FocusCandidate | null;
}
export interface FocusCandidate {
  tagName: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  hasAttribute(name: string): boolean;
  focus(options?: FocusOptions): void;
}

const byTestId = (ids: readonly string[]) => ids.map((id) => `[data-testid="${id}"]`).join(', ');

/**
 * The element the window's focus starts on: the consent heading (made focusable by script only,
 * tabindex -1, so Tab never stops on it), else the refusing button; null when neither is there yet.
 */
export function initialFocusTarget(root: FocusRoot): FocusCandidate | null {
  const heading = root.querySelector('[data-testid="consent"] h1');
  if (heading) {
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    return heading;
  }
  const refuse = root.querySelector(byTestId(REFUSING_TEST_IDS));
  if (refuse && !APPROVING_TEST_IDS.includes(refuse.getAttribute('data-testid') ?? '')) return refuse;
  return null;
}

/**
 * Wires the keyboard rules above into the consent window. `shownId` is the id of the prompt on
 * screen (undefined while loading): the focus is placed once per prompt, unless the user has
 * already put it somewhere. `onEscape` is the refusal (ignored while `canReject` is false).
 */
export function useConsentKeyboard({
  shownId,
  canReject,
  onEscape,
}: {
  shownId: string | undefined;
  canReject: boolean;
  onEscape: () => void;
}): void {
  const latest = useRef({ canReject, onEscape });
  latest.current = { canReject, onEscape };

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const action = consentKeyAction(event, document.activeElement as KeyTarget | null);
      if (action === 'default') return;
      event.preventDefault();
      if (action === 'reject' && latest.current.canReject) latest.current.onEscape();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  useEffect(() => {
    if (!shownId) return;
    const active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) return;
    initialFocusTarget(document)?.focus();
  }, [shownId]);
}
