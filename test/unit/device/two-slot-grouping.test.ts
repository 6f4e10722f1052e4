/**
 * A device with two slots (signature and CNS), one of them holding nothing for a while: on a card
 * with no room its old pair went first, and the new one is still to come. It is still one device,
 * with both slots and the serial its renewal's journal was written under.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceHost } from '../../../src/main/device/device-host.js';
import type { TokenDescription } from '../../../src/main/device/device-protocol.js';
import { pemToBase64Der } from '../../../src/main/certificates/pem.js';
import { createFlowDevice } from '../../../src/main/renewal/adapters/device-adapter.js';
import { makeCertificate, newKeyPair, profileOf } from '../renewal/kit/test-pki.js';
import { testPki } from '../renewal/kit/flow-world.js';

const pki = testPki();
const now = new Date('2026-12-01T09:00:00.000Z');
const certificateOf = (kind: 'signature' | 'cns') =>
  makeCertificate({ subject: pki.holderSubject('RSSMRA80A01H501U'), issuer: pki.caFor(kind), key: newKeyPair(), serialHex: kind === 'cns' ? '1c' : '1f', notBefore: new Date(now.getTime() - 86_400_000), notAfter: new Date(now.getTime() + 300 * 86_400_000), extensions: profileOf(kind) });
const certificates = { signature: certificateOf('signature'), cns: certificateOf('cns') };

function token(serial: string, label: string, model = 'CNS'): TokenDescription {
  return { slotIdHex: serial, label, manufacturer: 'InfoCamere', model, serial, flags: 0, freePrivateMemory: null, freePublicMemory: null, minPinLength: 5, maxPinLength: 8 };
}

function deviceShowing(tokens: readonly TokenDescription[], holding: Record<string, 'signature' | 'cns' | undefined>) {
  const host = {
    async call(method: string, args: { tokenSerial?: string }) {
      if (method === 'listTokens') return tokens;
      if (method === 'readCertificates') {
        const kind = holding[args.tokenSerial ?? ''];
        return kind ? [{ idHex: '01', label: kind, derBase64: pemToBase64Der(certificates[kind]) }] : [];
      }
      throw new Error(`unexpected ${method}`);
    },
  } as unknown as DeviceHost;
  return createFlowDevice({ host: () => host, chamberIssuers: ['InfoCamere S.C.p.A.'], roomNeeded: { privateMemory: 1, publicMemory: 1 } });
}

const cnsToken = token('CNS-0001', 'CNS');
const signatureToken = token('FIRMA-0001', 'Firma');

describe('finding a two-slot device', () => {
  it('keeps both slots, CNS first, when each holds its certificate', async () => {
    const device = await deviceShowing([signatureToken, cnsToken], { 'CNS-0001': 'cns', 'FIRMA-0001': 'signature' }).find();
    expect(device).toMatchObject({ serial: 'CNS-0001', slots: [{ tokenSerial: 'CNS-0001', holds: ['cns'] }, { tokenSerial: 'FIRMA-0001', holds: ['signature'] }] });
  });

  it('keeps the signature slot whose old pair went first (it holds nothing now)', async () => {
    const device = await deviceShowing([signatureToken, cnsToken], { 'CNS-0001': 'cns' }).find();
    expect(device).toMatchObject({ serial: 'CNS-0001', slots: [{ tokenSerial: 'CNS-0001' }, { tokenSerial: 'FIRMA-0001', holds: [] }] });
  });

  it('keeps the CNS slot whose old pair went first, first and under its serial', async () => {
    const device = await deviceShowing([signatureToken, cnsToken], { 'FIRMA-0001': 'signature' }).find();
    expect(device).toMatchObject({ serial: 'CNS-0001', slots: [{ tokenSerial: 'CNS-0001', holds: [] }, { tokenSerial: 'FIRMA-0001', holds: ['signature'] }] });
  });

  it('does not take a blank token of another make for a slot of the device', async () => {
    const other = { ...token('OTHER-1', 'Altro'), manufacturer: 'Someone else' };
    const device = await deviceShowing([other, signatureToken, cnsToken], { 'CNS-0001': 'cns', 'FIRMA-0001': 'signature' }).find();
    expect(device.slots.map((slot) => slot.tokenSerial)).toEqual(['CNS-0001', 'FIRMA-0001']);
  });
});
