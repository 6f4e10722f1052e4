/**
 * Finding the card's PKCS#11 library: the one the person or the helpdesk set, otherwise the
 * CNS middleware the Chambers of Commerce distribute, then OpenSC and SoftHSM.
 */
import { AppError } from '../../shared/errors/app-error.js';
import { knownModules } from './card-libraries.js';

export interface ModuleDiscovery {
  /** Set by the person or the helpdesk (RINNOVO_PKCS11_MODULE / --module). */
  readonly configured: string | undefined;
  readonly platform: NodeJS.Platform;
  readonly exists: (path: string) => boolean;
}

/** The library to load, or DEVICE_SOFTWARE_NOT_FOUND. A configured path is never second-guessed. */
export function findModule(discovery: ModuleDiscovery): string {
  if (discovery.configured !== undefined) {
    if (discovery.exists(discovery.configured)) return discovery.configured;
    throw new AppError('DEVICE_SOFTWARE_NOT_FOUND', { path: discovery.configured });
  }
  const platform = discovery.platform === 'win32' || discovery.platform === 'darwin' ? discovery.platform : 'linux';
  const found = knownModules[platform].find((path) => discovery.exists(path));
  if (!found) throw new AppError('DEVICE_SOFTWARE_NOT_FOUND');
  return found;
}
