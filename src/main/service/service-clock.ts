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
 * comes right after an answer (the issued certificate, or the record it is fetched from); a short
 * life keeps a computer's sleep (which the elapsed time does not count) from making it stale.
 */
const believedForMs = 10 * 60_000;

/**
 * `monotonic` measures the time since an answer: never moved when this computer's clock is set, so
 * a clock corrected after an answer changes nothing of what the service's was.
 */
export function createServiceClock(monotonic: () => number = () => performance.now()): ServiceClock {
  let measure: { readonly serviceMs: number; readonly at: number } | undefined;
  return {
    heard(date) {
      const said = date === undefined ? Number.NaN : Date.parse(date);
      // A missing or unreadable Date says nothing; what an earlier answer said still stands.
      if (Number.isNaN(said)) return;
      measure = { serviceMs: said, at: monotonic() };
    },
    now() {
      const elapsed = measure && monotonic() - measure.at;
      if (!measure || elapsed === undefined || elapsed > believedForMs) return undefined;
      return new Date(measure.serviceMs + elapsed);
    },
  };
}
