/**
 * The next certificate's key pair, made on the card while the current one's request is issued
 * (its write and checks wait for the key: the card is asked one thing at a time). Key generation
 * is most of a renewal's card work (seconds on a chip), and renewing one certificate at a time
 * need not mean waiting for each key in turn: on a card with room for new pairs beside the old
 * ones, the second pair is made while the first certificate travels to the service and back
 * (rekey-certificate.ts journals its id first, as for any pair).
 *
 * Nothing is taken off the card for it, so every working pair stays. A generation that fails here
 * (a card fuller than it reports, one pulled out) costs nothing: that certificate's own turn finds
 * what was made, or makes it, as after an interrupted attempt. A card that turns out to need the
 * room for the first certificate's write, or a pair, gets it back (rekey-certificate.ts,
 * `roomTakenBack`).
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import type { CertificateKind } from '../../shared/domain/certificate-kind.js';
import { isAppError } from '../../shared/errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { FlowDevice } from './renewal-ports.js';

export interface KeysAhead {
  /** Starts making a pair under `idHex`, journaled beforehand as that certificate's `generating-key`. */
  start(tokenSerial: string, idHex: string, kind: CertificateKind): void;
  /** Once the pair started under `idHex` (if any) is made or has failed; never rejects. */
  settled(idHex: string): Promise<void>;
  /** Once every generation started here has ended: before the device's lock goes, so no other process meets half a pair still being made. */
  drained(): Promise<void>;
}

export function keysAhead(device: FlowDevice, deviceSummary: DeviceSummary, logger?: Logger): KeysAhead {
  const generations = new Map<string, Promise<void>>();
  return {
    start(tokenSerial, idHex, kind) {
      const generation = device.generateKeyPair(deviceSummary, tokenSerial, idHex, kind).catch((error: unknown) => {
        logger?.info({ err: isAppError(error) ? error.code : String(error) }, 'the key pair made ahead failed; made again at its turn');
      });
      generations.set(idHex, generation);
    },
    async settled(idHex) {
      await generations.get(idHex);
    },
    async drained() {
      await Promise.all(generations.values());
    },
  };
}
