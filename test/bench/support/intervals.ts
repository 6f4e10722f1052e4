/** Time intervals in milliseconds, and the statistics the benches report. */

export interface Interval {
  readonly start: number;
  readonly end: number;
}

export function sumOf(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, interval) => sum + (interval.end - interval.start), 0);
}

/** The time covered by at least one interval (overlaps counted once). */
export function unionLength(intervals: readonly Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  let covered = 0;
  let current: Interval | undefined;
  for (const interval of sorted) {
    if (!current || interval.start > current.end) {
      if (current) covered += current.end - current.start;
      current = { ...interval };
    } else if (interval.end > current.end) {
      current = { start: current.start, end: interval.end };
    }
  }
  return covered + (current ? current.end - current.start : 0);
}

export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
