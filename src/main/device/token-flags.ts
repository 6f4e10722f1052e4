/**
 * The CK_TOKEN_INFO flags the app reads (PKCS#11 2.40 §3.2), as numbers: the app decides from
 * them without loading the PKCS#11 binding, which only the device process loads.
 */
export const tokenFlags = {
  protectedAuthenticationPath: 0x0000_0100,
  userPinCountLow: 0x0001_0000,
  userPinFinalTry: 0x0002_0000,
  userPinLocked: 0x0004_0000,
} as const;
