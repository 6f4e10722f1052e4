/**
 * Room for a new key pair is a slot's: on a two-slot device where only the CNS slot is full, the
 * signature keeps its old pair until its new one verifies (a forged answer cannot cost it).
 */
import { describe, expect, it } from 'vitest';
import type { DeviceHost } from '../../../src/main/device/device-host.js';
import type { TokenDescription } from '../../../src/main/device/device-protocol.js';
import { createFlowDevice } from '../../../src/main/renewal/adapters/device-adapter.js';

function token(serial: string, free: number | null): TokenDescription {
  return { slotIdHex: serial, label: serial, manufacturer: 'InfoCamere', model: 'CNS', serial, flags: 0, freePrivateMemory: free, freePublicMemory: free, minPinLength: 5, maxPinLength: 8 };
}

function deviceWith(tokens: readonly TokenDescription[]) {
  const host = {
    async call(method: string) {
      if (method === 'listTokens') return tokens;
      if (method === 'readCertificates') return [];
      throw new Error(`unexpected ${method}`);
    },
  } as unknown as DeviceHost;
  return createFlowDevice({ host: () => host, chamberIssuers: [], roomNeeded: { privateMemory: 2_000, publicMemory: 2_000 } });
}

describe('room for a new key pair', () => {
  it('is judged on the slot being renewed, not on the fullest slot of the device', async () => {
    const device = deviceWith([token('CNS-0001', 100), token('FIRMA-0001', 50_000)]);
    const found = await device.find();
    expect(await device.room(found, 'CNS-0001')).toBe('remove-old-first');
    expect(await device.room(found, 'FIRMA-0001')).toBe('room-for-new-pairs');
  });

  it('is taken to be there on a slot that does not say how much memory it has left', async () => {
    const device = deviceWith([token('CNS-0001', null)]);
    expect(await device.room(await device.find(), 'CNS-0001')).toBe('room-for-new-pairs');
  });
});
