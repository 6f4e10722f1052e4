/**
 * The templates of a renewal's new key pair: RSA-2048 made on the card under the id and label the
 * renewal journaled, its private half sensitive and never extractable. One definition for the
 * device process, the bench's raw card work and the concurrency probe, so that what they measure
 * and probe is what the tool asks a card for.
 */
import pkcs11js from 'pkcs11js';

export interface KeyPairTemplates {
  readonly publicKey: pkcs11js.Template;
  readonly privateKey: pkcs11js.Template;
}

export function keyPairTemplates(id: Buffer, label: string): KeyPairTemplates {
  return {
    publicKey: [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: false },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_VERIFY, value: true },
      { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
    ],
    privateKey: [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
      { type: pkcs11js.CKA_SIGN, value: true },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_LABEL, value: label },
    ],
  };
}
