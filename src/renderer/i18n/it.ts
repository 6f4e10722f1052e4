/** Italian, the default language: every string the screens show. */
export const it = {
  'app.title': 'Rinnovo CNS',
  'app.subtitle': 'Rinnovo dei certificati della Carta Nazionale dei Servizi',
  'app.language': 'Lingua',
  'app.language.it': 'Italiano',
  'app.language.en': 'English',
  'app.version': 'Versione {version}',
  'app.connecting': 'Avvio del programma in corso…',
  'app.unavailable': 'Il programma non riesce a comunicare con i propri servizi.',
  'start.heading': 'Benvenuto',
  'start.intro': 'Con questo programma rinnova da solo il certificato di sottoscrizione e il certificato CNS a bordo del suo dispositivo.',
  'start.needs': 'Le serviranno: il dispositivo (smart card con lettore, oppure token USB) e il PIN.',
  'error.heading': 'Non è stato possibile proseguire',
  'error.nextStep': 'Cosa fare',
  'error.code': 'Codice: {code}',
} as const;

export type MessageKey = keyof typeof it;
