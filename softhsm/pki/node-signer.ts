/**
 * The lab CA's signing key for node-forge's `certificate.sign`, backed by Node's crypto (OpenSSL)
 * instead of forge's pure-JavaScript RSA: forge still builds the certificate, the private-key
 * operation — some 40 ms per 2048-bit signature in forge, well under 1 ms in OpenSSL — runs
 * natively. The lab's issuance is part of the renewal the bench times, and of every token the
 * tests provision.
 *
 * forge hands `sign` the SHA-256 message digest of the TBS certificate; RSASSA-PKCS1-v1_5 wraps
 * it in a DigestInfo (RFC 8017 §9.2) and applies the private key with PKCS#1 type-1 padding.
 */
import { createPrivateKey, constants, privateEncrypt, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';

/** DER prefix of DigestInfo for SHA-256, followed by the 32-byte digest (RFC 8017 §9.2 note 1). */
const sha256DigestInfoPrefix = Buffer.from('3031300d060960864801650304020105000420', 'hex');

const keys = new Map<string, KeyObject>();

function keyObject(privateKeyPem: string): KeyObject {
  let key = keys.get(privateKeyPem);
  if (!key) {
    key = createPrivateKey(privateKeyPem);
    keys.set(privateKeyPem, key);
  }
  return key;
}

/** A stand-in for forge's private key in `certificate.sign(key, forge.md.sha256.create())`. */
export function nodeSigner(privateKeyPem: string): forge.pki.rsa.PrivateKey {
  const key = keyObject(privateKeyPem);
  const signer = {
    sign(md: forge.md.MessageDigest): string {
      if (md.algorithm !== 'sha256') throw new Error(`the lab CA signs with SHA-256 only, not ${md.algorithm}`);
      const digest = Buffer.from(md.digest().getBytes(), 'binary');
      const signature = privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([sha256DigestInfoPrefix, digest]));
      return signature.toString('binary');
    },
  };
  return signer as unknown as forge.pki.rsa.PrivateKey;
}
