import { useMemo } from 'react';
import { useAppStore } from '../store/app-store.js';
import { translator, type Translate } from '../../shared/i18n/translate.js';

export function useTranslate(): Translate {
  const locale = useAppStore((state) => state.locale);
  return useMemo(() => translator(locale), [locale]);
}
