/**
 * A data folder the tool cannot make, make private or write to (one left by a run as another user,
 * a file where the folder should be): said as such, with the system's reason for the helpdesk, not
 * as an unexpected error whose next step (a support bundle) needs that very folder.
 */
import { AppError } from '../../shared/errors/app-error.js';

export function unusableDataFolder(error: unknown): AppError {
  return new AppError('DATA_FOLDER_UNUSABLE', { reason: (error as NodeJS.ErrnoException | undefined)?.code ?? String(error) });
}
