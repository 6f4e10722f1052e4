import { useMemo } from 'react';
import { useApi } from '../api-context.js';
import { useAppStore } from '../store/app-store.js';
import type { ErrorAction } from '../../shared/errors/catalogue-entry.js';

/** What each catalogue action does on a screen; an absent one is not offered as a button. */
export type ActionHandlers = Partial<Record<ErrorAction, () => void>>;

/**
 * The error actions that do the same thing on every screen. "Scarica l'aggiornamento" is offered
 * only where the host can install one: elsewhere the catalogue's next step names the site.
 */
export function useCommonActions(): ActionHandlers {
  const api = useApi();
  const showPanel = useAppStore((store) => store.showPanel);
  const downloadUpdate = useAppStore((store) => store.downloadUpdate);
  const canInstall = useAppStore((store) => store.update.state !== null && store.update.state.status !== 'unsupported');
  return useMemo(
    () => ({
      'proxy-settings': () => showPanel('proxy'),
      // The holder reads what the bundle holds, and chooses about the fiscal code, before it is saved.
      'support-bundle': () => showPanel('support-bundle'),
      'get-update': canInstall ? () => void downloadUpdate(api) : undefined,
    }),
    [api, showPanel, downloadUpdate, canInstall],
  );
}
