/** How long the approving buttons stay disabled after the window appears or comes back. */
export const APPROVE_DELAY_MS = 800;

type Listenable = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/**
 * Keeps a consent window's approving buttons ("Connect", "Allow") off for a
 * moment whenever the window may have just come under the user's pointer: when
 * the question appears, when the window regains focus, and when it becomes
 * visible again; and off while it is blurred or hidden. A click aimed at the
 * page underneath (a site can time a window to open under a click it asked
 * for) then lands on a disabled button. Refusing needs no such delay.
 *
 * `armed` is read synchronously by the click handlers too: the focus that a
 * click causes arrives before that click, sooner than any re-render.
 */
export class ApprovalGuard {
  #armed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #detach: () => void;

  constructor(
    win: Listenable,
    private readonly doc: Listenable & { visibilityState?: DocumentVisibilityState },
    private readonly onChange: (armed: boolean) => void,
    private readonly delayMs = APPROVE_DELAY_MS,
  ) {
    const onFocus = () => this.restart();
    const onBlur = () => this.#set(false);
    const onVisibility = () => (this.doc.visibilityState === 'hidden' ? this.#set(false) : this.restart());
    win.addEventListener('focus', onFocus);
    win.addEventListener('blur', onBlur);
    doc.addEventListener('visibilitychange', onVisibility);
    this.#detach = () => {
      win.removeEventListener('focus', onFocus);
      win.removeEventListener('blur', onBlur);
      doc.removeEventListener('visibilitychange', onVisibility);
    };
    this.restart();
  }

  get armed(): boolean {
    return this.#armed;
  }

  /** Disarms now and arms again after the delay (if the page is visible by then). */
  restart(): void {
    this.#set(false);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.doc.visibilityState !== 'hidden') this.#set(true);
    }, this.delayMs);
  }

  dispose(): void {
    this.#set(false);
    this.#detach();
  }

  #set(armed: boolean) {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (armed === this.#armed) return;
    this.#armed = armed;
    this.onChange(armed);
  }
}
