import { ErrorCode } from '../../sdk/src/contract';
import { ratioRow, SUMMARY_HEADER, type Summary, summarize, summaryRatios, summaryRow } from '../lib/stats';
import { TARGETS, verdict } from '../targets';
import type { BenchContext, BenchPhase } from './phase';

/** At most this many transport-only calls (each carries a blob's bytes and is refused). */
export const TRANSPORT_CALLS = 5;

/**
 * One size's figures: each body form (a Uint8Array, a Blob made before the clock starts) direct and brokered,
 * and each form's brokered / direct ratio (each is judged against the target).
 */
export interface UploadFigures {
  bytes: number;
  /** fetchHandler POST with the Uint8Array as the body. */
  direct: Summary;
  /** The same with a Blob body (a site uploading a picked File). */
  directBlob: Summary;
  /** window.atproto with the Uint8Array. */
  brokered: Summary;
  /** window.atproto with the Blob (contract 1.2, blob-body). */
  brokeredBlob: Summary;
  ratioBrokeredOverDirect: { p50: number; p95: number; mean: number };
  ratioBrokeredBlobOverDirectBlob: { p50: number; p95: number; mean: number };
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
 * Section 4: uploadBlob of random bytes, direct (fetchHandler POST) and brokered (window.atproto), each with a
 * Uint8Array and with a Blob body, interleaved one by one; plus the cost of only carrying the bytes to the
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
      [f.ratioBrokeredOverDirect.p50, f.ratioBrokeredBlobOverDirectBlob.p50]
        .map((r, i) => `${i ? 'Blob' : 'Uint8Array'} ${r} (${verdict(r <= TARGETS.uploadP50Ratio)})`)
        .join(', ');
    const rows = (f: UploadFigures, count: number) => [
      summaryRow(`direct, ${mib(f.bytes)}, Uint8Array body (fetchHandler POST; ${count} each)`, f.direct),
      summaryRow(`brokered, ${mib(f.bytes)}, Uint8Array body`, f.brokered),
      ratioRow(`ratio brokered / direct, ${mib(f.bytes)}, Uint8Array`, f.ratioBrokeredOverDirect),
      summaryRow(`direct, ${mib(f.bytes)}, Blob body`, f.directBlob),
      summaryRow(`brokered, ${mib(f.bytes)}, Blob body`, f.brokeredBlob),
      ratioRow(`ratio brokered / direct, ${mib(f.bytes)}, Blob`, f.ratioBrokeredBlobOverDirectBlob),
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
          `p50 ratios (target ≤ ${TARGETS.uploadP50Ratio}), ${mib(size)}: ${judged(small.figures)}; ${mib(config.blobLargeBytes)}: ${judged(large.figures)}`,
          ...(errors.length ? [`${errors.length} uploads failed, e.g. ${errors[0]}`] : []),
        ],
      },
    };
  },
};

type Arm = 'direct' | 'directBlob' | 'brokered' | 'brokeredBlob';
const ARMS: readonly Arm[] = ['direct', 'directBlob', 'brokered', 'brokeredBlob'];

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
  const times: Record<Arm, number[]> = { direct: [], directBlob: [], brokered: [], brokeredBlob: [] };
  let sample: unknown;
  const upload = async (arm: Arm) => {
    if (arm === 'brokered' || arm === 'brokeredBlob') {
      await brokered.page.bringToFront();
      const r = await brokered.uploads(size, 1, enc, arm === 'brokeredBlob');
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
  const bbs = summarize(times.brokeredBlob);
  const ratioBrokeredOverDirect = summaryRatios(bs, ds);
  const ratioBrokeredBlobOverDirectBlob = summaryRatios(bbs, dbs);
  return {
    figures: {
      bytes: size,
      direct: ds,
      directBlob: dbs,
      brokered: bs,
      brokeredBlob: bbs,
      ratioBrokeredOverDirect,
      ratioBrokeredBlobOverDirectBlob,
    },
    sample,
  };
}
