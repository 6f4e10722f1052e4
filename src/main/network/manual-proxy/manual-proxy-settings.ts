/**
 * The person's manual proxy ("Configura Proxy" → "Salva"): saved in the settings file, the
 * password encrypted through the injected `SecretCipher`, or, where the host cannot protect it,
 * kept in memory until the tool closes — and the person is told which.
 */
import { AppError } from '../../../shared/errors/app-error.js';
import type { PasswordKeeping, ProxySettingsInput, ProxySettingsView } from './proxy-settings-types.js';
import type { SecretCipher } from './secret-cipher.js';
import type { StoredProxySettings } from '../../settings/stored-proxy-settings.js';
import { hostLiteral } from '../host-literal.js';

/** The manual settings in use, password in clear (memory only). */
export interface ManualProxySettings {
  readonly host: string;
  readonly port: number;
  readonly username: string | null;
  readonly password: string | null;
}

/** The part of the settings store this needs: read and patch the `proxy` entry. */
export interface ProxySettingsFile {
  readProxy(): Promise<StoredProxySettings | null>;
  writeProxy(proxy: StoredProxySettings | null): Promise<void>;
}

/**
 * A host a proxy URL can be made of: what the form lets through by its looks (192.168.1.300,
 * 1.2.3.4.5) is not always an address, and undici refuses the URL only when the route is built.
 */
function usableHost(host: string): boolean {
  const bracketed = hostLiteral(host);
  return URL.canParse(`http://${bracketed}:1/`);
}

export class ManualProxyStore {
  readonly #file: ProxySettingsFile;
  readonly #cipher: SecretCipher;
  /** The password of the saved settings when the cipher cannot keep it. */
  #sessionPassword: string | null = null;

  constructor(file: ProxySettingsFile, cipher: SecretCipher) {
    this.#file = file;
    this.#cipher = cipher;
  }

  canStorePassword(): boolean {
    return this.#cipher.canStore();
  }

  async read(): Promise<ManualProxySettings | null> {
    const stored = await this.#file.readProxy();
    // Saved by an older version before hosts were checked: not a route, and not a reason for every
    // call (the proxy panel's own included) to fail; a new "Salva" replaces it.
    if (!stored || !usableHost(stored.host)) return null;
    return { host: stored.host, port: stored.port, username: stored.username, password: this.#passwordOf(stored) };
  }

  async view(): Promise<ProxySettingsView | null> {
    const settings = await this.read();
    return settings ? viewOf(settings) : null;
  }

  /** Turns what the person typed into settings, taking the saved password when asked to. */
  async complete(input: ProxySettingsInput): Promise<ManualProxySettings> {
    if (!usableHost(input.host)) throw new AppError('NETWORK_PROXY_SETTINGS_INVALID', { field: 'host' });
    const username = input.username?.trim() ? input.username.trim() : null;
    let password = input.password !== undefined && input.password !== '' ? input.password : null;
    if (password === null && input.useSavedPassword && username !== null) {
      const saved = await this.read();
      if (saved && saved.host === input.host && saved.port === input.port && saved.username === username) password = saved.password;
    }
    return { host: input.host, port: input.port, username, password: username === null ? null : password };
  }

  async save(settings: ManualProxySettings): Promise<{ settings: ProxySettingsView; password: PasswordKeeping }> {
    let encryptedPassword: string | null = null;
    let keeping: PasswordKeeping = 'none';
    this.#sessionPassword = null;
    if (settings.password !== null) {
      if (this.#cipher.canStore()) {
        encryptedPassword = this.#cipher.encrypt(settings.password);
        keeping = 'encrypted';
      } else {
        this.#sessionPassword = settings.password;
        keeping = 'session-only';
      }
    }
    await this.#file.writeProxy({ host: settings.host, port: settings.port, username: settings.username, encryptedPassword });
    return { settings: viewOf(settings), password: keeping };
  }

  async clear(): Promise<void> {
    this.#sessionPassword = null;
    await this.#file.writeProxy(null);
  }

  #passwordOf(stored: StoredProxySettings): string | null {
    if (stored.encryptedPassword === null) return this.#sessionPassword;
    try {
      return this.#cipher.canStore() ? this.#cipher.decrypt(stored.encryptedPassword) : null;
    } catch {
      // Another user or a reset keyring: the password is lost, the proxy will ask again (407).
      return null;
    }
  }
}

function viewOf(settings: ManualProxySettings): ProxySettingsView {
  return { host: settings.host, port: settings.port, username: settings.username, hasPassword: settings.password !== null };
}
