/**
 * A clock for the lab service that a test moves on: "the holder comes back after the hold was let
 * go" without the test sleeping through it. Only the service's time moves (its answers tell it in
 * their Date, as a real service's do); the tool keeps the wall clock. The moves the tests make
 * (seconds to a minute) stay within what the tool allows between its clock and the service's.
 */
export interface ServiceClock {
  readonly now: () => Date;
  advance(ms: number): void;
}

export function serviceClock(): ServiceClock {
  let aheadMs = 0;
  return {
    now: () => new Date(Date.now() + aheadMs),
    advance(ms) {
      aheadMs += ms;
    },
  };
}
