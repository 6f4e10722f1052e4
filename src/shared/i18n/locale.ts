/** The holder's languages: Italian first, English available. */
export type Locale = 'it' | 'en';
export const locales: readonly Locale[] = ['it', 'en'];
