/** Small statistics and text-table helpers for the benchmark's report. */

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/** Percentile by linear interpolation between closest ranks (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || NaN);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    mean: round(mean),
    min: round(sorted[0] ?? NaN),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}

/** The columns of a summary row: name, then n, p50, p95, mean, min and max. */
export const SUMMARY_HEADER = ['arm', 'n', 'p50', 'p95', 'mean', 'min', 'max'];

export function summaryRow(name: string, s: Summary): unknown[] {
  return [name, s.n, s.p50, s.p95, s.mean, s.min, s.max];
}

/** a / b at p50, p95 and mean. */
export function summaryRatios(a: Summary, b: Summary): { p50: number; p95: number; mean: number } {
  return { p50: ratio(a.p50, b.p50), p95: ratio(a.p95, b.p95), mean: ratio(a.mean, b.mean) };
}

/** A row of ratios under summary rows (n, min and max left blank). */
export function ratioRow(name: string, r: { p50: number; p95: number; mean: number }): unknown[] {
  return [name, '', r.p50, r.p95, r.mean, '', ''];
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function ratio(a: number, b: number): number {
  return round(a / b, 3);
}

export function round(v: number, digits = 2): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function fmt(v: unknown, digits = 2): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '–';
    return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  }
  if (v === undefined || v === null) return '–';
  return String(v);
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Renders rows as a text table: first column left-aligned, the rest right-aligned. */
export function table(title: string, header: string[], rows: unknown[][], notes: string[] = []): string {
  const cells = [header, ...rows.map((r) => r.map((c) => fmt(c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? (c ?? '').padEnd(widths[i]) : (c ?? '').padStart(widths[i])))
      .join('   ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('   ');
  return [title, line(cells[0]), rule, ...cells.slice(1).map(line), ...notes.map((n) => `  ${n}`)].join('\n');
}
