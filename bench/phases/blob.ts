import { ErrorCode } from '../../sdk/src/contract';
import { ratioRow, SUMMARY_HEADER, type Summary, summarize, summaryRatios, summaryRow } from '../lib/stats';
import { TARGETS, verdict } from '../targets';
import type { BenchContext, BenchPhase } from './phase';

/** At most this many transport-only calls (each carries a blob's bytes and is refused). */
export const TRANSPORT_CALLS = 5;

export interface BlobFigures {
  transportOnly: Summary;
  bytes: number;
  encoding: string;
  direct: Summary;
  brokered: Summary;
  ratioBrokeredOverDirect: { p50: number; p95: number; mean: number };
  sampleBlob: unknown;
  /** The same, for config.blobLargeBytes. */
  large: {
    bytes: number;
    direct: Summary;
    brokered: Summary;
    ratioBrokeredOverDirect: { p50: number; p95: number; mean: number };
  };
  errorCount: number;
  errors: string[];
}

/**
 * Section 4: uploadBlob of random bytes, direct (fetchHandler POST) and brokered
 * (a Uint8Array body), interleaved one by one; plus the cost of only carrying
 * the bytes to the background (a call refused there after decoding).
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
    const { d, b, sample } = await interleaved({ brokered, direct }, size, config.blobCount, enc, errors);
    const large = await interleaved({ brokered, direct }, config.blobLargeBytes, config.blobLargeCount, enc, errors);
    await brokered.page.bringToFront();
    const transport = await brokered.transport(
      size,
      Math.min(TRANSPORT_CALLS, config.blobCount),
      ErrorCode.unauthorized,
    );
    errors.push(...transport.errors);
    const ts = summarize(transport.times);
    const ds = summarize(d);
    const bs = summarize(b);
    const ratios = summaryRatios(bs, ds);
    const lds = summarize(large.d);
    const lbs = summarize(large.b);
    const largeRatios = summaryRatios(lbs, lds);
    const mib = (n: number) => `${n / 1024 / 1024} MiB`;
    const judged = (r: { p50: number }) =>
      `${r.p50} (target ≤ ${TARGETS.uploadP50Ratio}: ${verdict(r.p50 <= TARGETS.uploadP50Ratio)})`;
    return {
      figures: {
        transportOnly: ts,
        bytes: size,
        encoding: enc,
        direct: ds,
        brokered: bs,
        ratioBrokeredOverDirect: ratios,
        sampleBlob: sample,
        large: { bytes: config.blobLargeBytes, direct: lds, brokered: lbs, ratioBrokeredOverDirect: largeRatios },
        errorCount: errors.length,
        errors: errors.slice(0, 5),
      },
      table: {
        title: `Blob upload: com.atproto.repo.uploadBlob, ${size / 1024 / 1024} MiB random bytes (${enc}), ${config.blobCount} each, interleaved — ms`,
        header: SUMMARY_HEADER,
        rows: [
          summaryRow('direct (fetchHandler POST)', ds),
          summaryRow('brokered (Uint8Array body)', bs),
          ratioRow('ratio brokered / direct', ratios),
          summaryRow(`brokered transport only (${size / 1024 / 1024} MiB to the background, refused there)`, ts),
          summaryRow(`direct, ${mib(config.blobLargeBytes)} (${config.blobLargeCount} each)`, lds),
          summaryRow(`brokered, ${mib(config.blobLargeBytes)}`, lbs),
          ratioRow(`ratio brokered / direct, ${mib(config.blobLargeBytes)}`, largeRatios),
        ],
        notes: [
          `p50 ratio ${mib(size)}: ${judged(ratios)}; ${mib(config.blobLargeBytes)}: ${judged(largeRatios)}`,
          ...(errors.length ? [`${errors.length} uploads failed, e.g. ${errors[0]}`] : []),
        ],
      },
    };
  },
};

/** One warm-up each, then `count` uploads of `size` bytes each, direct and brokered interleaved one by one. */
async function interleaved(
  { brokered, direct }: Pick<BenchContext, 'brokered' | 'direct'>,
  size: number,
  count: number,
  enc: string,
  errors: string[],
) {
  await direct.uploads(size, 1, enc);
  await brokered.uploads(size, 1, enc);
  const d: number[] = [];
  const b: number[] = [];
  let sample: unknown;
  for (let i = 0; i < count; i++) {
    const first = i % 2 === 0 ? 'direct' : 'brokered';
    for (const arm of first === 'direct' ? ['direct', 'brokered'] : ['brokered', 'direct']) {
      if (arm === 'direct') {
        await direct.page.bringToFront();
        const r = await direct.uploads(size, 1, enc);
        d.push(...r.times);
        errors.push(...r.errors);
      } else {
        await brokered.page.bringToFront();
        const r = await brokered.uploads(size, 1, enc);
        b.push(...r.times);
        errors.push(...r.errors);
        sample ??= (r.sample as { body?: { blob?: unknown } } | undefined)?.body?.blob;
      }
    }
  }
  return { d, b, sample };
}
