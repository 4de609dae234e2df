import { ErrorCode } from '../../sdk/src/contract';
import { ratioRow, SUMMARY_HEADER, type Summary, summarize, summaryRatios, summaryRow } from '../lib/stats';
import { TARGETS, verdict } from '../targets';
import type { BenchContext, BenchPhase } from './phase';

/** At most this many transport-only calls (each carries a blob's bytes and is refused). */
export const TRANSPORT_CALLS = 5;

/** One size's figures: both direct arms, the brokered arm, and the ratio judged (the stricter baseline). */
export interface UploadFigures {
  bytes: number;
  /** fetchHandler POST with the Uint8Array as the body (what the brokered page hands over). */
  direct: Summary;
  /** The same with a Blob body, made before the clock starts (a site uploading a picked File). */
  directBlob: Summary;
  brokered: Summary;
  ratioBrokeredOverDirect: { p50: number; p95: number; mean: number };
  ratioBrokeredOverDirectBlob: { p50: number; p95: number; mean: number };
  /** The larger p50 ratio of the two: the target is judged against the faster direct arm. */
  judgedP50Ratio: number;
}

export interface BlobFigures extends UploadFigures {
  transportOnly: Summary;
  encoding: string;
  sampleBlob: unknown;
  /** The same, for config.blobLargeBytes. */
  large: UploadFigures;
  errorCount: number;
  errors: string[];
}

/**
 * Section 4: uploadBlob of random bytes, direct (fetchHandler POST, a Uint8Array and a Blob body) and
 * brokered (a Uint8Array body), interleaved one by one; plus the cost of only carrying the bytes to the
 * background (a call refused there after decoding).
 */
export const blob: BenchPhase<BlobFigures> = {
  id: 'blob',
  section: '4',
  resultKey: 'blobUpload',
  label: (config) => `blob upload (${config.blobBytes / 1024 / 1024} and ${config.blobLargeBytes / 1024 / 1024} MiB)`,
  async run({ config, brokered, direct }) {
    const size = config.blobBytes;
    const enc = config.blobEncoding;
    const errors: string[] = [];
    const small = await interleaved({ brokered, direct }, size, config.blobCount, enc, errors);
    const large = await interleaved({ brokered, direct }, config.blobLargeBytes, config.blobLargeCount, enc, errors);
    await brokered.page.bringToFront();
    const transport = await brokered.transport(
      size,
      Math.min(TRANSPORT_CALLS, config.blobCount),
      ErrorCode.unauthorized,
    );
    errors.push(...transport.errors);
    const ts = summarize(transport.times);
    const mib = (n: number) => `${n / 1024 / 1024} MiB`;
    const judged = (f: UploadFigures) =>
      `${f.judgedP50Ratio} (target ≤ ${TARGETS.uploadP50Ratio}: ${verdict(f.judgedP50Ratio <= TARGETS.uploadP50Ratio)})`;
    const rows = (f: UploadFigures, count: number) => [
      summaryRow(`direct, ${mib(f.bytes)} (fetchHandler POST, Uint8Array body; ${count} each)`, f.direct),
      summaryRow(`direct, ${mib(f.bytes)} (fetchHandler POST, Blob body)`, f.directBlob),
      summaryRow(`brokered, ${mib(f.bytes)} (Uint8Array body)`, f.brokered),
      ratioRow(`ratio brokered / direct Uint8Array, ${mib(f.bytes)}`, f.ratioBrokeredOverDirect),
      ratioRow(`ratio brokered / direct Blob, ${mib(f.bytes)}`, f.ratioBrokeredOverDirectBlob),
    ];
    return {
      figures: {
        ...small.figures,
        transportOnly: ts,
        encoding: enc,
        sampleBlob: small.sample,
        large: large.figures,
        errorCount: errors.length,
        errors: errors.slice(0, 5),
      },
      table: {
        title: `Blob upload: com.atproto.repo.uploadBlob of random bytes (${enc}), interleaved — ms`,
        header: SUMMARY_HEADER,
        rows: [
          ...rows(small.figures, config.blobCount),
          summaryRow(`brokered transport only (${mib(size)} to the background, refused there)`, ts),
          ...rows(large.figures, config.blobLargeCount),
        ],
        notes: [
          `p50 ratio against the faster direct arm, ${mib(size)}: ${judged(small.figures)}; ${mib(config.blobLargeBytes)}: ${judged(large.figures)}`,
          ...(errors.length ? [`${errors.length} uploads failed, e.g. ${errors[0]}`] : []),
        ],
      },
    };
  },
};

type Arm = 'direct' | 'directBlob' | 'brokered';
const ARMS: readonly Arm[] = ['direct', 'directBlob', 'brokered'];

/**
 * One warm-up each, then `count` uploads of `size` bytes on each arm, interleaved one by one (the order
 * rotating each round, so no arm always follows the same one).
 */
async function interleaved(
  { brokered, direct }: Pick<BenchContext, 'brokered' | 'direct'>,
  size: number,
  count: number,
  enc: string,
  errors: string[],
): Promise<{ figures: UploadFigures; sample: unknown }> {
  const times: Record<Arm, number[]> = { direct: [], directBlob: [], brokered: [] };
  let sample: unknown;
  const upload = async (arm: Arm) => {
    if (arm === 'brokered') {
      await brokered.page.bringToFront();
      const r = await brokered.uploads(size, 1, enc);
      sample ??= (r.sample as { body?: { blob?: unknown } } | undefined)?.body?.blob;
      return r;
    }
    await direct.page.bringToFront();
    return direct.uploads(size, 1, enc, arm === 'directBlob');
  };
  for (const arm of ARMS) await upload(arm);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < ARMS.length; k++) {
      const arm = ARMS[(i + k) % ARMS.length]!;
      const r = await upload(arm);
      times[arm].push(...r.times);
      errors.push(...r.errors);
    }
  }
  const ds = summarize(times.direct);
  const dbs = summarize(times.directBlob);
  const bs = summarize(times.brokered);
  const ratioBrokeredOverDirect = summaryRatios(bs, ds);
  const ratioBrokeredOverDirectBlob = summaryRatios(bs, dbs);
  return {
    figures: {
      bytes: size,
      direct: ds,
      directBlob: dbs,
      brokered: bs,
      ratioBrokeredOverDirect,
      ratioBrokeredOverDirectBlob,
      judgedP50Ratio: Math.max(ratioBrokeredOverDirect.p50, ratioBrokeredOverDirectBlob.p50),
    },
    sample,
  };
}
