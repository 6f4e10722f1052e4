/**
 * PKCS#11 return values meaning the card is gone (removed, reset, its sessions dropped): the one
 * list both sides of the device port use — the device process to forget its sessions, the app to
 * say DEVICE_REMOVED and find the objects again by CKA_ID once the card is back.
 */
export const deviceGoneCodes: ReadonlySet<string> = new Set([
  'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_TOKEN_NOT_RECOGNIZED',
]);
