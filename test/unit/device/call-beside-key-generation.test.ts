/**
 * A call sent while the card generates a key may wait for it (a chip answers one command at a
 * time, and its library may hold the call until the key is made): it gets the key generation's
 * bound, not the short one, so the device process is not ended in the middle of a renewal for a
 * card doing what it was asked.
 */
import { describe, expect, it } from 'vitest';
import { DeviceHost, type DeviceChild } from '../../../src/main/device/device-host.js';

/** A card whose library answers a call only once the key generation under way has ended, as a chip's may. */
function slowChild(keyGenerationMs: number): DeviceChild {
  let listener: (message: unknown) => void = () => undefined;
  let keyMade = Promise.resolve();
  return {
    pid: () => 4242,
    send(message) {
      const { id, method } = message as { id: number; method: string };
      const answer = (result: unknown) => listener({ id, ok: true, result });
      if (method === 'open') return queueMicrotask(() => answer({ manufacturer: 'fake', libraryDescription: 'fake', libraryVersion: '1.0' }));
      if (method === 'generateKeyPair') {
        // One key at a time: a second generation starts when the first ends.
        keyMade = keyMade.then(() => new Promise((resolve) => setTimeout(resolve, keyGenerationMs)));
        void keyMade.then(() => answer({ modulusHex: '00', exponentHex: '010001', local: true, alwaysSensitive: true, neverExtractable: true }));
        return;
      }
      void keyMade.then(() => setTimeout(() => answer([]), 5));
    },
    onMessage: (next) => {
      listener = next;
    },
    onExit: () => undefined,
    kill: () => undefined,
  };
}

const timeouts = { defaultMs: 100, keyGenerationMs: 5_000, loginMs: 1_000 };
const generate = { tokenSerial: 'T', idHex: 'a1', label: 'CNS' };

describe('a call sent while the card generates a key', () => {
  it('waits for the key with the key generation\'s bound, and is answered', async () => {
    const host = new DeviceHost({ launcher: () => slowChild(400), modulePath: '/fake.so', timeouts });
    const generation = host.call('generateKeyPair', generate);
    await expect(host.call('listTokens', {} as never)).resolves.toEqual([]);
    await expect(generation).resolves.toMatchObject({ local: true });
    host.close();
  });

  it('a second key generation sent behind the first gets its whole bound from when the first ends', async () => {
    const host = new DeviceHost({ launcher: () => slowChild(400), modulePath: '/fake.so', timeouts: { ...timeouts, keyGenerationMs: 600 } });
    const first = host.call('generateKeyPair', generate);
    // Answered 800 ms after it was sent: past its bound counted from then, within it counted from the first key's end.
    const second = host.call('generateKeyPair', { ...generate, idHex: 'a2' });
    await expect(first).resolves.toMatchObject({ local: true });
    await expect(second).resolves.toMatchObject({ local: true });
    host.close();
  });

  it('the card busy with a key this process did not ask for: the same wait is past the short bound, and the device process is ended', async () => {
    const child = slowChild(400);
    const host = new DeviceHost({ launcher: () => child, modulePath: '/fake.so', timeouts });
    // Another application's key generation: the card is busy, and this process has no key being made.
    child.send({ id: -1, method: 'generateKeyPair' }, () => undefined);
    await expect(host.call('listTokens', {} as never)).rejects.toMatchObject({ code: 'DEVICE_NOT_RESPONDING' });
    host.close();
  });
});
