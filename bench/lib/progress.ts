/** Progress lines on stderr (stdout carries only the report), timed from the start of the run. */
export const startedAt = Date.now();

export function log(msg: string): void {
  process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${msg}\n`);
}
