import { sleep } from './wait';

const cleanups: { name: string; fn: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;

/** Registers something to undo at the end of the run (last registered, first undone). */
export function onCleanup(name: string, fn: () => Promise<unknown>): void {
  cleanups.push({ name, fn });
}

/** Undoes everything registered, each step given 20 s; runs once however often it is called. */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const { name, fn } = cleanups.pop()!;
      try {
        await Promise.race([fn(), sleep(20_000).then(() => Promise.reject(new Error('timed out')))]);
      } catch (err) {
        process.stderr.write(`[bench] cleanup of ${name} failed: ${(err as Error).message}\n`);
      }
    }
  })();
  return cleaning;
}

/** Ctrl-C and SIGTERM clean up before exiting. */
export function cleanUpOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`[bench] ${signal}: cleaning up\n`);
      void cleanup().finally(() => process.exit(130));
    });
  }
}
