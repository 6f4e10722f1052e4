/**
 * Downloading and installing a newer version of the tool: electron-updater in the app; nothing
 * outside it (the CLI and the browser harness point the person to the download site).
 */
import type { UpdateState } from '../../shared/contract/network-contract.js';
import { AppError } from '../../shared/errors/app-error.js';


export interface ToolUpdater {
  readonly state: UpdateState;
  /** Checks the feed and downloads the newer version; resolves with the state when done. */
  download(): Promise<UpdateState>;
  /** Quits and installs; refused (`UPDATE_NOT_DOWNLOADED`) until the download is complete. */
  install(): UpdateState;
  /** Every state change and progress report; returns the unsubscribe function. */
  subscribe(listener: (state: UpdateState) => void): () => void;
}

/** The updater of hosts that cannot install: the person downloads from the site. */
export const unsupportedUpdater: ToolUpdater = {
  state: { status: 'unsupported' },
  download: () => Promise.reject(new AppError('UPDATE_INSTALL_UNAVAILABLE')),
  install: () => {
    throw new AppError('UPDATE_INSTALL_UNAVAILABLE');
  },
  subscribe: () => () => undefined,
};
