/**
 * The keys of an old pair whose certificate is gone from the card: what a removal left half done
 * (another tool took the certificate off, not the keys). A journal overtaken by another renewal
 * (renewed-in-another-renewal.ts) would otherwise be archived with them still there, and nothing
 * would ever take them off: on a card with no room, the room a later renewal needs taken for good.
 * They are part of no pair (their certificate is gone, the renewed one proven working on its own
 * key), so the ending takes them off before the journal goes. Only under the old pair's own id and
 * with its modulus: nothing else is touched on the journal's word.
 */
import type { DeviceSummary } from '../../shared/contract/flow-contract.js';
import { sameModulus, tryModulusOfCertificate } from '../certificates/key-modulus.js';
import type { JournalCertificate } from './renewal-journal.js';
import type { DeviceCertificate, FlowDevice } from './renewal-ports.js';

/** Keys of one old pair left on the card, under its own CKA_ID. */
export interface OldKeysLeft {
  readonly tokenSerial: string;
  readonly idHex: string;
  readonly modulusHex: string;
}

/**
 * The old pair's keys still on the card, or `undefined` when none is, or when a certificate on the
 * card (`onCard`, read under the same lock) or under that id is theirs: then they are a pair's, not
 * left over, whatever the journal (a file) says.
 */
export async function oldKeysLeft(device: Pick<FlowDevice, 'inspect'>, summary: DeviceSummary, entry: JournalCertificate, onCard: readonly DeviceCertificate[]): Promise<OldKeysLeft | undefined> {
  const modulusHex = tryModulusOfCertificate(entry.oldCertificatePem);
  if (!modulusHex) return undefined;
  if (onCard.some((certificate) => sameModulus(tryModulusOfCertificate(certificate.certificatePem) ?? '', modulusHex))) return undefined;
  const under = await device.inspect(summary, entry.tokenSerial, entry.oldIdHex);
  if (under.certificatesPem.length > 0) return undefined;
  const left = [...under.privateKeys, ...under.publicKeys].some((key) => sameModulus(key.modulusHex, modulusHex));
  return left ? { tokenSerial: entry.tokenSerial, idHex: entry.oldIdHex, modulusHex } : undefined;
}
