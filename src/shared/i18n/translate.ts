import type { Locale } from './locale.js';
import { en } from './en.js';
import { it, type MessageKey } from './it.js';

const catalogues: Record<Locale, Record<MessageKey, string>> = { it, en };

export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (key, values = {}) =>
    catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (values[name] === undefined ? whole : String(values[name])));
}
