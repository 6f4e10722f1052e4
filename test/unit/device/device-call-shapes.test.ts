/**
 * What the device process accepts from the app before anything reaches the PKCS#11 library: each
 * method's own fields with their own types, nothing else. A field another method carries (a
 * certificate's bytes on a call that may only destroy keys, a PIN on any call but login) never
 * gets through, whatever else the message holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceRequestShapes, readDeviceCall, readDeviceRequest, type DeviceMethod } from '../../../src/main/device/device-protocol.js';

const methods = Object.keys(deviceRequestShapes) as DeviceMethod[];
const pair = { tokenSerial: 'A1B2', idHex: '0a1b' };

describe('a device call as the device process reads it', () => {
  it('takes the fields of its method, and only those', () => {
    expect(readDeviceRequest('destroyKeys', { ...pair, modulusHex: 'c0ffee', certificateDerBase64: 'MIIB', pin: '12345678' })).toEqual({ ...pair, modulusHex: 'c0ffee' });
    expect(readDeviceRequest('login', { tokenSerial: 'A1B2', pin: null })).toEqual({ tokenSerial: 'A1B2', pin: null });
    expect(readDeviceRequest('inspect', { ...pair, pin: '12345678' })).toEqual(pair);
    expect(readDeviceRequest('listTokens', { pin: '12345678' })).toEqual({});
  });

  it.each([
    ['not an object', 'open', 'libsofthsm2.so'],
    ['an array', 'listTokens', []],
    ['null', 'logout', null],
    ['a field missing', 'inspect', { tokenSerial: 'A1B2' }],
    ['a number for a string', 'open', { modulePath: 7 }],
    ['a PIN that is not text', 'login', { tokenSerial: 'A1B2', pin: 12345678 }],
    ['upper-case hex', 'inspect', { tokenSerial: 'A1B2', idHex: '0A1B' }],
    ['empty hex', 'destroyKeys', { ...pair, modulusHex: '' }],
    ['hex with other characters', 'findKeyByModulus', { tokenSerial: 'A1B2', modulusHex: 'c0ffee; rm' }],
    ['a certificate shorter than any', 'destroyOldPair', { ...pair, certificateDerBase64: 'MII', modulusHex: 'c0ffee' }],
    ['a field only inherited', 'open', Object.create({ modulePath: 'libsofthsm2.so' }) as object],
  ] as const)('refuses %s', (_what, method, params) => {
    expect(readDeviceRequest(method, params)).toBeUndefined();
  });

  it('answers only messages that are calls: a numeric id and a method name', () => {
    expect(readDeviceCall({ id: 3, method: 'sign', params: { a: 1 } })).toEqual({ id: 3, method: 'sign', params: { a: 1 } });
    expect(readDeviceCall({ id: '3', method: 'sign' })).toBeUndefined();
    expect(readDeviceCall({ id: Number.POSITIVE_INFINITY, method: 'sign' })).toBeUndefined();
    expect(readDeviceCall({ id: 3 })).toBeUndefined();
    expect(readDeviceCall('{"id":3}')).toBeUndefined();
  });

  it('for any message and any method: refused, or exactly the method\'s fields, each of its type', () => {
    const fieldValue = fc.oneof(fc.string(), fc.constantFrom('0a1b', 'c0ffee', 'MIIBIjAN', 'A1B2'), fc.constant(null), fc.integer(), fc.boolean(), fc.object());
    const allFields = [...new Set(methods.flatMap((method) => Object.keys(deviceRequestShapes[method])))];
    const message = fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom(...allFields, 'pin', 'extra', '__proto__'), fieldValue));
    fc.assert(
      fc.property(fc.constantFrom(...methods), message, (method, params) => {
        const read = readDeviceRequest(method, params) as Record<string, unknown> | undefined;
        if (read === undefined) return;
        const shape = deviceRequestShapes[method] as Record<string, (value: unknown) => boolean>;
        expect(Object.keys(read).sort()).toEqual(Object.keys(shape).sort());
        for (const [key, check] of Object.entries(shape)) expect(check(read[key])).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
