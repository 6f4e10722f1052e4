/**
 * RSA-2048 key pairs for software devices and loopback CAs, taken from a committed pool instead of
 * generated: a 2048-bit generation costs 50 ms to over a second of CPU, and the service and TLS
 * tests drew about a hundred of them per run (some 25 s of the run's CPU).
 *
 * Each draw is a key no earlier draw in this process had, as a fresh generation would be: two
 * software devices never share a key, nor do two CAs (a CA sharing another's key would make its
 * certificates verify under the other). Once the pool is used up, keys are generated again.
 *
 * The pool (test/fixtures/keys/lab-rsa-2048.pem) is 128 PKCS#8 keys made by OpenSSL, trusted by
 * nothing but these tests; to make it again:
 *   for i in $(seq 128); do openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048; done > test/fixtures/keys/lab-rsa-2048.pem
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateRsaKeyPair, type KeyPairPem } from '../../softhsm/pki/key-material.js';

const poolPath = join(import.meta.dirname, '..', 'fixtures', 'keys', 'lab-rsa-2048.pem');

let pool: string[] | undefined;
let drawn = 0;

function privateKeys(): string[] {
  pool ??= readFileSync(poolPath, 'utf8').match(/-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----\n?/g) ?? [];
  return pool;
}

/** An RSA-2048 pair (PKCS#8 private key, SPKI public key, PEM) that no earlier draw in this process returned. */
export function pooledRsaKeyPair(): KeyPairPem {
  const privateKeyPem = privateKeys()[drawn];
  drawn += 1;
  if (!privateKeyPem) return generateRsaKeyPair(2048);
  return { privateKeyPem, publicKeyPem: createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString() };
}
