/**
 * The certificate a renewal reads (from the card, the service, the journal) is the same object
 * whether its PEM takes the fast path or forge's own reader, however the text is wrapped.
 */
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { parsedCertificate } from '../../../src/main/certificates/parsed-certificate.js';
import { makeCertificate, newKeyPair, profileOf } from '../renewal/kit/test-pki.js';
import { testPki } from '../renewal/kit/flow-world.js';

const pki = testPki();
const now = new Date('2026-12-01T09:00:00.000Z');
const pem = makeCertificate({ subject: pki.holderSubject('RSSMRA80A01H501U'), issuer: pki.cnsCa, key: newKeyPair(), serialHex: '3c', notBefore: now, notAfter: new Date(now.getTime() + 1000 * 86_400_000), extensions: profileOf('cns') });

/** What the checks read of a certificate, as forge's own reader gives it. */
function reading(certificate: forge.pki.Certificate) {
  return {
    serial: certificate.serialNumber,
    subject: certificate.subject.hash as string,
    issuer: certificate.issuer.hash as string,
    notBefore: certificate.validity.notBefore.toISOString(),
    notAfter: certificate.validity.notAfter.toISOString(),
    modulus: (certificate.publicKey as forge.pki.rsa.PublicKey).n.toString(16),
    extensions: certificate.extensions.map((extension: { id: string }) => extension.id),
    signature: forge.util.bytesToHex(certificate.signature as string),
    pem: forge.pki.certificateToPem(certificate),
  };
}

const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
const wrapped = (width: number, newline: string) => `-----BEGIN CERTIFICATE-----${newline}${(body.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(newline)}${newline}-----END CERTIFICATE-----`;

describe('a certificate read from its PEM text', () => {
  it.each([
    ['as forge writes it', pem],
    ['with Windows line ends', pem.replace(/\n/g, '\r\n')],
    ['wrapped at 76 columns, no final line end', wrapped(76, '\n')],
    ['with blank lines around it', `\n\n${pem}\n  \n`],
    ['with a header before it (forge reads those)', `Bag Attributes\n${pem}`],
  ])('is the certificate forge reads, %s', (_how, text) => {
    expect(reading(parsedCertificate(text))).toEqual(reading(forge.pki.certificateFromPem(pem)));
  });

  it('is the first of several blocks, as forge reads them', () => {
    expect(reading(parsedCertificate(`${pem}${pki.root.pem}`))).toEqual(reading(forge.pki.certificateFromPem(pem)));
  });

  it('is refused when the text is not a certificate', () => {
    expect(() => parsedCertificate(pem.replace(/CERTIFICATE/g, 'PRIVATE KEY'))).toThrow();
    expect(() => parsedCertificate(`-----BEGIN CERTIFICATE-----\n${body.slice(0, 200)}\n-----END CERTIFICATE-----\n`)).toThrow();
    expect(() => parsedCertificate('not a certificate')).toThrow();
  });
});
