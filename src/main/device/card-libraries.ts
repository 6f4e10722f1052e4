/**
 * The card vendors' PKCS#11 libraries the tool looks for, per platform, in order of preference:
 * the CNS middleware the Chambers of Commerce distribute, then OpenSC and SoftHSM.
 *
 * A new vendor's library is one line here (and, if its card needs it, a lab token preset).
 */
export const knownModules: Readonly<Record<'win32' | 'darwin' | 'linux', readonly string[]>> = {
  win32: [
    // bit4id (InfoCamere CNS and Digital DNA keys)
    'C:\\Windows\\System32\\bit4xpki.dll',
    'C:\\Windows\\System32\\bit4ipki.dll',
    'C:\\Windows\\System32\\bit4opki.dll',
    // Athena IDProtect
    'C:\\Windows\\System32\\asepkcs.dll',
    // Incard
    'C:\\Windows\\System32\\IncardPKCS11.dll',
    'C:\\Windows\\System32\\incryptoki2.dll',
    // Oberthur / IDEMIA
    'C:\\Windows\\System32\\OcsCryptoki.dll',
    'C:\\Program Files\\Oberthur Technologies\\AWP\\DLLs\\OcsCryptoki.dll',
    // SafeNet / Thales
    'C:\\Windows\\System32\\eTPKCS11.dll',
    'C:\\Windows\\System32\\IDPrimePKCS11.dll',
    // OpenSC
    'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll',
  ],
  darwin: [
    '/usr/local/lib/libbit4xpki.dylib',
    '/Library/bit4id/pkcs11/libbit4xpki.dylib',
    '/usr/local/lib/libASEP11.dylib',
    '/usr/local/lib/libincryptoki2.dylib',
    '/Library/Frameworks/eToken.framework/Versions/Current/libeToken.dylib',
    '/usr/local/lib/libeTPkcs11.dylib',
    '/Library/OpenSC/lib/opensc-pkcs11.so',
    '/usr/local/lib/softhsm/libsofthsm2.so',
  ],
  linux: [
    '/usr/lib/libbit4xpki.so',
    '/usr/local/lib/libbit4xpki.so',
    '/usr/lib/x86_64-linux-gnu/libbit4xpki.so',
    '/usr/lib/libASEP11.so',
    '/usr/lib/libincryptoki2.so',
    '/usr/lib/libeTPkcs11.so',
    '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
    '/usr/lib/opensc-pkcs11.so',
    '/usr/lib/softhsm/libsofthsm2.so',
    '/usr/local/lib/softhsm/libsofthsm2.so',
  ],
};
