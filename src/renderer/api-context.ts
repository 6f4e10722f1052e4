import { createContext, useContext } from 'react';
import type { RinnovoApi } from '../shared/contract/api.js';

/** The connection to main, given to components instead of a global they would reach for. */
export const ApiContext = createContext<RinnovoApi | undefined>(undefined);

export function useApi(): RinnovoApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}
