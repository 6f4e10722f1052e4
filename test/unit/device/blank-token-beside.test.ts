/**
 * A blank token of the same make and model beside the holder's device (an empty card in a second
 * reader, an empty token the middleware shows) is a slot of the device only where its renewal may
 * have emptied one, and the device a renewal's journal is kept under can be taken by any of its
 * slots (src/main/renewal/device-anchor.ts).
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
const token = (serial: string): TokenDescription => ({ slotIdHex: serial, label: serial, manufacturer: 'InfoCamere', model: 'CNS', serial, flags: 0, freePrivateMemory: null, freePublicMemory: null, minPinLength: 5, maxPinLength: 8 });

function deviceShowing(tokens: readonly TokenDescription[], holding: Record<string, ('signature' | 'cns')[]>) {
  const host = {
    async call(method: string, args: { tokenSerial?: string }) {
      if (method === 'listTokens') return tokens;
      if (method === 'readCertificates') return (holding[args.tokenSerial ?? ''] ?? []).map((kind, index) => ({ idHex: `0${index + 1}`, label: kind, derBase64: pemToBase64Der(certificates[kind]) }));
      throw new Error(`unexpected ${method}`);
    },
  } as unknown as DeviceHost;
  return createFlowDevice({ host: () => host, chamberIssuers: ['InfoCamere S.C.p.A.'], roomNeeded: { privateMemory: 1, publicMemory: 1 } });
}

const tokens = [token('SPARE-1'), token('MAIN-1')];

describe('a blank token of the same model beside a one-slot device', () => {
  it('is no slot of a device that holds both certificates: its PIN is never asked', async () => {
    const device = await deviceShowing(tokens, { 'MAIN-1': ['cns', 'signature'] }).find();
    expect(device).toMatchObject({ serial: 'MAIN-1', slots: [{ tokenSerial: 'MAIN-1', holds: ['cns', 'signature'] }] });
  });

  it('once the old CNS went first, the device is still reached by the slot its journal is kept under', async () => {
    const flowDevice = deviceShowing(tokens, { 'MAIN-1': ['signature'] });
    const found = await flowDevice.find();
    // Taken for the emptied CNS slot, the blank token may come first here: the journal's slot is
    // looked for under each serial, and the device taken by it works as any.
    expect(found.slots.map((slot) => slot.tokenSerial).sort()).toEqual(['MAIN-1', 'SPARE-1']);
    const anchored = { ...found, serial: 'MAIN-1', slots: found.slots.filter((slot) => slot.tokenSerial === 'MAIN-1') };
    expect((await flowDevice.readCertificates(anchored)).map((certificate) => certificate.summary.kind)).toEqual(['signature']);
  });
});
