/**
 * No device found, told apart as far as PKCS#11 allows: a library that sees no slot at all has
 * no reader (or no reader driver); a slot without a token is a reader waiting for the card. (No
 * library at all is DEVICE_SOFTWARE_NOT_FOUND, before any of this.)
 */
import { describe, expect, it } from 'vitest';
import type { DeviceHost } from '../../../src/main/device/device-host.js';
import { createFlowDevice } from '../../../src/main/renewal/adapters/device-adapter.js';

function deviceWithSlots(slots: number) {
  const host = {
    async call(method: string) {
      if (method === 'listTokens') return [];
      if (method === 'countSlots') return { slots, withToken: 0 };
      throw new Error(`unexpected ${method}`);
    },
  } as unknown as DeviceHost;
  return createFlowDevice({ host: () => host, chamberIssuers: [], roomNeeded: { privateMemory: 1, publicMemory: 1 } });
}

describe('finding the device', () => {
  it('says the reader is missing when the card software sees no slot at all', async () => {
    await expect(deviceWithSlots(0).find()).rejects.toMatchObject({ code: 'DEVICE_NO_READER' });
  });

  it('asks for the card when a reader is there but holds no token', async () => {
    await expect(deviceWithSlots(2).find()).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND' });
  });
});
