/**
 * The certificate written to the card is the one that was checked, byte for byte: not forge's
 * object encoded again, which spells the outer signature algorithm its own way.
 */
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import type { DeviceHost } from '../../../src/main/device/device-host.js';
import { base64DerToPem } from '../../../src/main/certificates/pem.js';
import { createFlowDevice } from '../../../src/main/renewal/adapters/device-adapter.js';
import { createTestPki, makeCertificate, newKeyPair } from '../renewal/kit/test-pki.js';

const now = new Date('2026-12-04T12:00:00Z');

/** A CA-signed certificate whose outer AlgorithmIdentifier has no NULL parameters (outside the signed part). */
function certificateWithoutNullParameters(): { pem: string; der: Buffer } {
  const pki = createTestPki(now);
  const pem = makeCertificate({
    subject: pki.holderSubject('RSSMRA80A01H501U'),
    issuer: pki.cnsCa,
    key: newKeyPair(),
    serialHex: '1a2b3c4d5e',
    notBefore: now,
    notAfter: new Date(now.getTime() + 3 * 365 * 86_400_000),
    extensions: [],
  });
  const certificate = forge.asn1.fromDer(forge.pem.decode(pem)[0]?.body ?? '');
  const algorithm = (certificate.value as forge.asn1.Asn1[])[1] as forge.asn1.Asn1;
  algorithm.value = (algorithm.value as forge.asn1.Asn1[]).slice(0, 1);
  const der = Buffer.from(forge.asn1.toDer(certificate).getBytes(), 'binary');
  return { pem: base64DerToPem(der.toString('base64')), der };
}

describe('writing a renewed certificate to the card', () => {
  it('hands the device the bytes the service sent and the checks read, with serial, issuer and subject cut from them', async () => {
    const { pem, der } = certificateWithoutNullParameters();
    // What forge makes of it differs: the test would pass whatever the adapter wrote otherwise.
    expect(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(pem))).getBytes(), 'binary').equals(der)).toBe(false);
    const written: Record<string, unknown>[] = [];
    const host = {
      async call(method: string, params: Record<string, unknown>) {
        if (method !== 'writeCertificate') throw new Error(`unexpected ${method}`);
        written.push(params);
        return {};
      },
    } as unknown as DeviceHost;
    const device = createFlowDevice({ host: () => host, chamberIssuers: [], roomNeeded: { privateMemory: 1, publicMemory: 1 } });
    await device.writeCertificate(undefined as never, 'CNS-0001', '0a0b', pem, 'cns');
    expect(written).toHaveLength(1);
    const params = written[0] ?? {};
    expect(Buffer.from(String(params.derBase64), 'base64').equals(der)).toBe(true);
    const tbs = ((forge.asn1.fromDer(der.toString('binary')).value as forge.asn1.Asn1[])[0]?.value ?? []) as forge.asn1.Asn1[];
    const field = (index: number) => Buffer.from(forge.asn1.toDer(tbs[index] as forge.asn1.Asn1).getBytes(), 'binary').toString('base64');
    expect({ serial: params.serialBase64, issuer: params.issuerBase64, subject: params.subjectBase64 }).toEqual({ serial: field(1), issuer: field(3), subject: field(5) });
  });
});
