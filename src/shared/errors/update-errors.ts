import type { CatalogueEntry } from './catalogue-entry.js';

/** The guide's case 2: an outdated tool does not renew; a feed the tool cannot read; an update it will not take. */
export const updateErrors = {
  UPDATE_REQUIRED: {
    class: 'update',
    actions: ['get-update'],
    it: {
      message: 'La versione del programma in uso ({current}) non è la più recente disponibile ({latest}).',
      nextStep: 'Scarichi e installi l\'ultima versione: il rinnovo è possibile solo con il programma aggiornato.',
    },
    en: {
      message: 'The version of the program in use ({current}) is not the latest available ({latest}).',
      nextStep: 'Download and install the latest version: renewal is only possible with the updated program.',
    },
  },
  UPDATE_FEED_INVALID: {
    class: 'update',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Non è stato possibile verificare se esiste una versione più recente del programma: la risposta del servizio non è leggibile.',
      nextStep: 'Riprovi tra qualche minuto; se il problema persiste salvi il pacchetto di supporto e contatti l\'assistenza.',
    },
    en: {
      message: 'Could not check for a newer version of the program: the service\'s answer cannot be read.',
      nextStep: 'Try again in a few minutes; if the problem persists, save the support bundle and contact the helpdesk.',
    },
  },
  /** The update offered breaks a rule the tool checks before downloading (`detail.reason` says which, for the helpdesk). */
  UPDATE_FEED_UNSAFE: {
    class: 'update',
    actions: ['support-bundle', 'contact-office'],
    it: {
      message: 'L\'aggiornamento proposto non è stato scaricato: non supera i controlli di sicurezza del programma (provenienza, versione o impronta del file).',
      nextStep: 'Non installi il programma da altre fonti. Salvi il pacchetto di supporto e contatti l\'assistenza o la Camera di Commercio.',
    },
    en: {
      message: 'The offered update was not downloaded: it fails the program\'s security checks (origin, version or file fingerprint).',
      nextStep: 'Do not install the program from other sources. Save the support bundle and contact the helpdesk or the Chamber of Commerce.',
    },
  },
} as const satisfies Record<string, CatalogueEntry>;
