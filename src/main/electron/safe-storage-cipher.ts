/**
 * The proxy password encrypted by Electron's `safeStorage` (DPAPI, Keychain, libsecret/kwallet).
 *
 * On Linux without a keyring safeStorage falls back to `basic_text`, a fixed key anyone can
 * undo: that is not protection, so the cipher refuses and the password stays in memory only.
 */
import type { SafeStorage } from 'electron';
import type { SecretCipher } from '../network/manual-proxy/secret-cipher.js';

type SafeStoragePort = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>;

export function safeStorageCipher(safeStorage: SafeStoragePort, platform: NodeJS.Platform = process.platform): SecretCipher {
  const canStore = () => safeStorage.isEncryptionAvailable() && !(platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text');
  return {
    canStore,
    encrypt: (plain) => {
      if (!canStore()) throw new Error('safeStorage cannot protect secrets here');
      return safeStorage.encryptString(plain).toString('base64');
    },
    decrypt: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
  };
}
