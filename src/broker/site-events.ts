import { type PageEvent, RELAY_EVENT } from '../protocol/page';

/**
 * One document whose relay said hello: where events for its origin go. An
 * entry names a document, not a (tab, frame) slot: after the frame navigates,
 * its next document registers under a new id and replaces this entry, and
 * events addressed to the old document never reach the new one.
 */
export interface FrameRef {
  tabId: number;
  frameId: number;
  origin: string;
  /**
   * The id the document's relay generated when it started (one relay per
   * document). Events carry it and a relay drops events for another id.
   * (Optional in the type only for tests that predate it: page-channel always sets it.)
   */
  docId?: string;
  /** The browser's id of the document (sender.documentId), where the browser has one. */
  documentId?: string;
}

/** An event as it goes to a relay: addressed to one document. */
export type FrameEventMessage = { kind: typeof RELAY_EVENT; doc?: string } & PageEvent;

/** Where the frame registry lives (storage.session in the extension: survives worker restarts). */
export interface FrameRegistryStore {
  load(): Promise<FrameRef[]>;
  save(frames: FrameRef[]): Promise<void>;
}

/**
 * Sends one event to one document. Resolves `false` when the frame now holds
 * another document (the relay said so), rejects when the frame or document is
 * gone; either way the entry is dropped.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: tabs.sendMessage resolves to nothing when the frame answers nothing
export type SendToFrame = (frame: FrameRef, message: FrameEventMessage) => Promise<boolean | void>;

const MAX_FRAMES = 5000;

const sameSlot = (a: FrameRef, b: FrameRef) => a.tabId === b.tabId && a.frameId === b.frameId;
const sameDocument = (a: FrameRef, b: FrameRef) =>
  sameSlot(a, b) && a.docId === b.docId && a.documentId === b.documentId;

/** Delivers provider events (accountsChanged, disconnect) to every open document of an origin. */
export class SiteEvents {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: FrameRegistryStore,
    private readonly send: SendToFrame,
  ) {}

  /** Serialises registry updates (they are read-modify-write); an update that returns the same list writes nothing. */
  #update(fn: (frames: FrameRef[]) => FrameRef[] | Promise<FrameRef[]>): Promise<void> {
    const next = this.#queue.then(async () => {
      const frames = await this.store.load();
      const result = fn(frames);
      // A synchronous update saves as soon as the list is read, with no extra turn.
      const updated = result instanceof Promise ? await result : result;
      if (updated !== frames) await this.store.save(updated);
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Records the document now in this (tab, frame) slot, replacing whatever document was there. */
  register(frame: FrameRef): Promise<void> {
    return this.#update((frames) => [...frames.filter((f) => !sameSlot(f, frame)), frame].slice(-MAX_FRAMES));
  }

  /**
   * Drops the documents of tabs that are closed. No tab event does this: listening to every tab's closing would
   * wake the stopped worker each time a person closes any tab (the background's 5-minute sweep calls this instead,
   * and emit drops a document whose send fails).
   */
  forgetClosedTabs(openTabIds: () => Promise<readonly number[]>): Promise<void> {
    // Listed inside the queue: a document registering meanwhile waits, and is not judged by an older list.
    return this.#update(async (frames) => {
      const open = new Set(await openTabIds());
      const kept = frames.filter((f) => open.has(f.tabId));
      return kept.length === frames.length ? frames : kept;
    });
  }

  async emit(origin: string, event: PageEvent): Promise<number> {
    await this.#queue;
    const frames = (await this.store.load()).filter((f) => f.origin === origin);
    const gone: FrameRef[] = [];
    await Promise.all(
      frames.map((frame) =>
        this.send(frame, { kind: RELAY_EVENT, doc: frame.docId, ...event }).then(
          (delivered) => void (delivered === false && gone.push(frame)),
          () => void gone.push(frame),
        ),
      ),
    );
    if (gone.length) {
      await this.#update((all) => all.filter((f) => !gone.some((g) => sameDocument(g, f))));
    }
    return frames.length - gone.length;
  }
}
