import type { MessageKey } from './it.js';

/** English: the same keys as Italian, checked by the compiler. */
export const en: Record<MessageKey, string> = {
  'app.title': 'Rinnovo CNS',
  'app.subtitle': 'Renewal of the certificates on your National Services Card (CNS)',
  'app.language': 'Language',
  'app.language.it': 'Italiano',
  'app.language.en': 'English',
  'app.version': 'Version {version}',
  'app.connecting': 'Starting the program…',
  'app.unavailable': 'The program cannot reach its own services.',
  'start.heading': 'Welcome',
  'start.intro': 'With this program you renew, by yourself, the signature certificate and the CNS certificate on your device.',
  'start.needs': 'You will need: the device (smart card with reader, or USB token) and its PIN.',
  'error.heading': 'We could not go on',
  'error.nextStep': 'What to do',
  'error.code': 'Code: {code}',
};
