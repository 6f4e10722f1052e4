import { useAppStore } from '../store/app-store.js';

/** Downloading, or downloaded: a second "Scarica l'aggiornamento" would do nothing, the status beside it says where things stand. */
export function useUpdateUnderWay(): boolean {
  return useAppStore((store) => store.update.state?.status === 'downloading' || store.update.state?.status === 'downloaded');
}
