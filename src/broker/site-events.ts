import { BG_PAGE_EVENT, type PageEvent } from '../protocol/page';

/** A frame whose relay said hello: where events for its origin go. */
export interface FrameRef {
  tabId: number;
  frameId: number;
  origin: string;
}

/** Where the frame registry lives (storage.session in the extension: survives worker restarts). */
export interface FrameRegistryStore {
  load(): Promise<FrameRef[]>;
  save(frames: FrameRef[]): Promise<void>;
}

export type SendToFrame = (frame: FrameRef, message: { kind: typeof BG_PAGE_EVENT } & PageEvent) => Promise<void>;

const MAX_FRAMES = 5000;

/** Delivers provider events (accountsChanged, disconnect) to every open frame of an origin. */
export class SiteEvents {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: FrameRegistryStore,
    private readonly send: SendToFrame,
  ) {}

  /** Serialises registry updates (they are read-modify-write). */
  #update(fn: (frames: FrameRef[]) => FrameRef[]): Promise<void> {
    const next = this.#queue.then(async () => this.store.save(fn(await this.store.load())));
    this.#queue = next.catch(() => {});
    return next;
  }

  register(frame: FrameRef): Promise<void> {
    return this.#update((frames) =>
      [...frames.filter((f) => !(f.tabId === frame.tabId && f.frameId === frame.frameId)), frame].slice(-MAX_FRAMES),
    );
  }

  forgetTab(tabId: number): Promise<void> {
    return this.#update((frames) => frames.filter((f) => f.tabId !== tabId));
  }

  async emit(origin: string, event: PageEvent): Promise<number> {
    await this.#queue;
    const frames = (await this.store.load()).filter((f) => f.origin === origin);
    const gone: FrameRef[] = [];
    await Promise.all(
      frames.map((frame) => this.send(frame, { kind: BG_PAGE_EVENT, ...event }).catch(() => gone.push(frame))),
    );
    if (gone.length) {
      await this.#update((all) => all.filter((f) => !gone.some((g) => g.tabId === f.tabId && g.frameId === f.frameId)));
    }
    return frames.length - gone.length;
  }
}
