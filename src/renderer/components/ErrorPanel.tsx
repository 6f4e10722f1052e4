import type { WireError } from '../../shared/contract/define.js';
import type { ErrorAction } from '../../shared/errors/catalogue-entry.js';
import { errorCatalogue, type ErrorCode } from '../../shared/errors/catalogue.js';
import { ErrorSection, offersUpdate } from './ErrorSection.js';
import { UpdateStatus } from './UpdateStatus.js';
import { useCommonActions, type ActionHandlers } from './use-common-actions.js';

/**
 * A catalogue error with its buttons (ErrorSection); where it offers "Scarica l'aggiornamento",
 * the download's progress, "Installa e riavvia" and outcome follow it.
 */
export function ErrorPanel({ error, actions = {} }: { readonly error: WireError; readonly actions?: ActionHandlers }) {
  const common = useCommonActions();
  return (
    <>
      <ErrorSection error={error} actions={actions} />
      {offersUpdate(error, { ...common, ...actions }) && <UpdateStatus />}
    </>
  );
}

/** Whether the error's own buttons include "Riprova": then a screen adds no other way on beside it. */
export function offersRetry(code: ErrorCode): boolean {
  const offered: readonly ErrorAction[] = errorCatalogue[code].actions;
  return offered.includes('retry');
}
