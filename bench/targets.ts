/**
 * Issue 15's targets, in one place: the phases judge their figures against these, the summary (section 8)
 * prints each with MET or MISSED, and bench/README.md quotes them (bench/readme.test.ts checks it does right).
 */
export const TARGETS = {
  /** Background (the service worker's script) at most this many KiB gzip. */
  backgroundGzipKiB: 60,
  /** Content scripts together (with whatever polyfill they carry) at most this many KiB gzip. */
  contentScriptsGzipKiB: 8,
  /** Brokered getRecord p50 at most this × direct. */
  warmP50Ratio: 1.08,
  /** 50 concurrent getRecord (Promise.all) total time at most this × direct. */
  concurrentRatio: 1.1,
  /** Cold brokered call p50 at most the floor (an empty extension's wake) + this × a warm brokered call. */
  coldWarmMultiple: 2,
  /** uploadBlob p50 at most this × direct, for each size of blobSizesMiB. */
  uploadP50Ratio: 1.3,
  /** Background heap after the memory phase's calls and GC at most this fraction above heapBaselineMiB. */
  heapTolerance: 0.1,
  /** The heap figure issue 15 was measured with (MiB after 1,000 calls and GC). */
  heapBaselineMiB: 2.34,
} as const;

export type Verdict = 'MET' | 'MISSED';
export const verdict = (met: boolean): Verdict => (met ? 'MET' : 'MISSED');

/** One line of the summary: what, the figure, the target, the verdict. */
export interface TargetResult {
  what: string;
  measured: string;
  target: string;
  verdict: Verdict;
}
