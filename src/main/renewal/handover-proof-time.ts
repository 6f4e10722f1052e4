/**
 * Whether a journaled handover proof is still taken, judged on this computer's clock. The service
 * gave its expiry on its own clock (`expiresAt`); `expiresHere` is that moment on this computer's,
 * restated from the answer's `Date` header. A computer whose clock is days off misreads `expiresAt`;
 * a `Date` header may be wrong, or absent. So each decision takes the reading that costs the holder
 * nothing when it errs: the old CNS key goes relying on the proof only if both readings say it
 * lasts, and a CNS is given up as unfinishable only if both say it is over (otherwise the service
 * is asked, and its refusal decides).
 */
type SavedProof = { readonly expiresAt?: string | undefined; readonly expiresHere?: string | undefined } | undefined;

const readings = (saved: NonNullable<SavedProof>): number[] => [saved.expiresAt, saved.expiresHere].flatMap((text) => (text === undefined ? [] : [Date.parse(text)]));

/** Both readings say the proof is still taken `marginMs` after `now`; false when its expiry is not journaled. */
export function proofSurelyLasts(saved: SavedProof, now: Date, marginMs: number): boolean {
  if (!saved?.expiresAt) return false;
  return readings(saved).every((expiry) => expiry - marginMs > now.getTime());
}

/** Both readings say the proof is past at `now`; undefined when its expiry is not journaled. */
export function proofSurelyOver(saved: SavedProof, now: Date): boolean | undefined {
  if (!saved?.expiresAt) return undefined;
  return readings(saved).every((expiry) => expiry <= now.getTime());
}
