/**
 * The service's clock as its answers tell it: the `Date` header of a good answer, moved on by the
 * time elapsed since. A computer whose clock is an hour behind (a time zone set wrong) or days off
 * judges a certificate the service has just issued by the service's clock too
 * (issued-certificate-check.ts), so it is not refused as not fresh.
 */
export interface ServiceClock {
  /** A good answer has just come with `date` as its `Date` header. */
  heard(date: string | undefined): void;
  /** The service's clock now, as an answer heard in the last `believedForMs` said; undefined when none did. */
  now(): Date | undefined;
}

/**
 * How long what an answer said of the service's clock is believed. Every judgement that uses it
 * comes right after an answer (the issued certificate, or the record it is fetched from).
 */
const believedForMs = 10 * 60_000;
/** How far the two measures of the time since an answer may differ before neither is trusted. */
const elapsedAgreeWithinMs = 5_000;

/**
 * `monotonic` measures the time since an answer; `wall` (this computer's clock) must agree with it.
 * They part when this clock is set (a correction says nothing of the service's clock, yet would
 * move a measure taken against it) or the computer sleeps (which a monotonic clock does not count):
 * what the answer said is then forgotten, and this computer's clock alone judges until the next.
 */
export function createServiceClock(monotonic: () => number = () => performance.now(), wall: () => number = () => Date.now()): ServiceClock {
  let measure: { readonly serviceMs: number; readonly at: number; readonly wallAt: number } | undefined;
  return {
    heard(date) {
      const said = date === undefined ? Number.NaN : Date.parse(date);
      // A missing or unreadable Date says nothing; what an earlier answer said still stands.
      if (Number.isNaN(said)) return;
      measure = { serviceMs: said, at: monotonic(), wallAt: wall() };
    },
    now() {
      if (!measure) return undefined;
      const elapsed = monotonic() - measure.at;
      if (elapsed > believedForMs || Math.abs(wall() - measure.wallAt - elapsed) > elapsedAgreeWithinMs) return undefined;
      return new Date(measure.serviceMs + elapsed);
    },
  };
}
