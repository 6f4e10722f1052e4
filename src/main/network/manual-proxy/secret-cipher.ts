/**
 * Encryption of a secret the tool keeps on disk (the proxy password), by whatever the host
 * trusts: Electron's `safeStorage` (DPAPI, Keychain, libsecret) in the app.
 *
 * Where there is no such store (CLI, harness) the cipher refuses, and the secret is kept only
 * in memory for the session: a password is never written in clear.
 */
export interface SecretCipher {
  /** False when secrets cannot be protected here; then `encrypt` must not be called. */
  canStore(): boolean;
  /** The secret encrypted, as base64 text for the settings file. */
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

export const refusingCipher: SecretCipher = {
  canStore: () => false,
  encrypt: () => {
    throw new Error('this host has no secure storage for secrets');
  },
  decrypt: () => {
    throw new Error('this host has no secure storage for secrets');
  },
};
