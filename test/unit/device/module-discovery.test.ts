import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src/shared/errors/app-error.js';
import { knownModules } from '../../../src/main/device/card-libraries.js';
import { findModule } from '../../../src/main/device/module-discovery.js';

function codeOf(run: () => unknown): string {
  try {
    return String(run());
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
}

describe('finding the card software', () => {
  it('uses the library the helpdesk set, and says "not recognised" when it is not there', () => {
    expect(findModule({ configured: '/opt/card/lib.so', platform: 'linux', exists: (path) => path === '/opt/card/lib.so' })).toBe('/opt/card/lib.so');
    expect(codeOf(() => findModule({ configured: '/opt/card/lib.so', platform: 'linux', exists: () => false }))).toBe('DEVICE_SOFTWARE_NOT_FOUND');
  });

  it('prefers the Chambers of Commerce middleware over OpenSC and SoftHSM', () => {
    const installed = new Set(['C:\\Windows\\System32\\bit4xpki.dll', 'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll']);
    expect(findModule({ configured: undefined, platform: 'win32', exists: (path) => installed.has(path) })).toBe('C:\\Windows\\System32\\bit4xpki.dll');
    expect(findModule({ configured: undefined, platform: 'linux', exists: (path) => path === '/usr/lib/softhsm/libsofthsm2.so' })).toBe('/usr/lib/softhsm/libsofthsm2.so');
  });

  it('answers DEVICE_SOFTWARE_NOT_FOUND on a machine with no card software', () => {
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      expect(codeOf(() => findModule({ configured: undefined, platform, exists: () => false }))).toBe('DEVICE_SOFTWARE_NOT_FOUND');
      expect(knownModules[platform].length).toBeGreaterThan(3);
    }
  });
});
