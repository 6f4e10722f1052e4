/**
 * The modulus the tool reads from its own certificate request (to recognise the key it made on the
 * card) is the one in the request, whichever reader its PEM text goes to.
 */
import { describe, expect, it } from 'vitest';
import { modulusOfCsr } from '../../../src/main/certificates/key-modulus.js';
import { testPki } from '../renewal/kit/flow-world.js';
import { makeCertificate, makeCsr, newKeyPair, profileOf } from '../renewal/kit/test-pki.js';

const pki = testPki();
const now = new Date('2026-12-01T09:00:00.000Z');
const old = makeCertificate({ subject: pki.holderSubject('RSSMRA80A01H501U'), issuer: pki.cnsCa, key: newKeyPair(), serialHex: '1a', notBefore: now, notAfter: new Date(now.getTime() + 1000 * 86_400_000), extensions: profileOf('cns') });
const key = newKeyPair();
const request = () => makeCsr(key, old);

describe("the modulus of the tool's certificate request", () => {
  const pem = request();

  it.each([
    ['as written', pem],
    ['with Windows line ends', pem.replace(/\n/g, '\r\n')],
    ['with a header line before it', `Requested by the lab\n${pem}`],
  ])('is the key the request names, %s', (_how, text) => {
    expect(modulusOfCsr(text)).toBe(key.modulusHex);
  });

  it('is refused when the text is not a request', () => {
    expect(() => modulusOfCsr(pem.replace(/CERTIFICATE REQUEST/g, 'CERTIFICATE'))).toThrow();
    expect(() => modulusOfCsr('-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n')).toThrow();
  });
});
