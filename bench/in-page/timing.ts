/**
 * The timed loops both bench pages run (bundled into each): every duration is
 * taken in the page with performance.now(), so Playwright's round trips are
 * never part of a figure.
 */

/** Durations of the calls that succeeded, the failures' messages, and the first success's value. */
export interface Timed {
  times: number[];
  errors: string[];
  sample?: unknown;
}

/** n calls with a cap on how many are in flight: the wall time of the whole batch. */
export interface Concurrent {
  totalMs: number;
  ok: number;
  errors: string[];
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
export type Attempt = Outcome & { ms: number };

export const succeeded = (value: unknown): Outcome => ({ ok: true, value });
export const failed = (error: string): Outcome => ({ ok: false, error });

/** Times one call, from just before it starts until its outcome is known; a throw is a failure. */
export async function timed(call: () => Promise<Outcome>): Promise<Attempt> {
  const t0 = performance.now();
  let outcome: Outcome;
  try {
    outcome = await call();
  } catch (err) {
    outcome = failed(String(err));
  }
  return { ...outcome, ms: performance.now() - t0 };
}

/** `n` attempts one after another. */
export async function sequence(n: number, attempt: () => Promise<Attempt>): Promise<Timed> {
  const times: number[] = [];
  const errors: string[] = [];
  let sample: unknown;
  for (let i = 0; i < n; i++) {
    const a = await attempt();
    if (a.ok) {
      times.push(a.ms);
      sample ??= a.value;
    } else errors.push(a.error);
  }
  return { times, errors, sample };
}

/** `n` attempts with at most `concurrency` in flight. */
export async function pool(n: number, concurrency: number, attempt: () => Promise<Attempt>): Promise<Concurrent> {
  let next = 0;
  let ok = 0;
  const errors: string[] = [];
  const worker = async () => {
    while (next < n) {
      next++;
      const a = await attempt();
      if (a.ok) ok++;
      else errors.push(a.error);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
  return { totalMs: performance.now() - t0, ok, errors };
}

/** `n` unauthenticated GETs of `url` from this page (no extension, no DPoP): the PDS and network floor. */
export function unauthenticatedFetches(url: string, n: number, read: (res: Response) => Promise<unknown>) {
  return sequence(n, () =>
    timed(async () => {
      const res = await fetch(url);
      await read(res);
      return res.status === 200 ? succeeded(undefined) : failed(`status ${res.status}`);
    }),
  );
}

/** `size` fresh random bytes (getRandomValues fills at most 64 KiB a call). */
export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  return bytes;
}
