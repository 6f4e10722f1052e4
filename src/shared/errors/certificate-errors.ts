import type { CatalogueEntry } from './catalogue-entry.js';

/**
 * Why a certificate cannot be renewed (the guide's cases 6, 7, 8 and 13, plus the CNS 6-year
 * limit and the renewal window). Shown next to each certificate and, when nothing is renewable,
 * as the reason of the whole screen.
 */
export const certificateErrors = {
  CERTIFICATE_SUSPENDED: {
    class: 'certificate',
    actions: ['contact-office'],
    it: {
      message: 'Il certificato è sospeso e non può essere rinnovato.',
      nextStep: 'Se la sospensione è stata richiesta da lei, ne chieda la riattivazione; altrimenti si rivolga all\'Ufficio di Registrazione che ha rilasciato il dispositivo.',
    },
    en: {
      message: 'The certificate is suspended and cannot be renewed.',
      nextStep: 'If you asked for the suspension, ask for it to be lifted; otherwise contact the Registration Office that issued the device.',
    },
  },
  CERTIFICATE_REVOKED: {
    class: 'certificate',
    actions: ['contact-office'],
    it: {
      message: 'Il certificato è revocato e non può essere rinnovato.',
      nextStep: 'Per ottenere nuovi certificati occorre una nuova emissione: si rivolga all\'Ufficio di Registrazione della sua Camera di Commercio.',
    },
    en: {
      message: 'The certificate has been revoked and cannot be renewed.',
      nextStep: 'New certificates need a new issuance: contact the Registration Office of your Chamber of Commerce.',
    },
  },
  CERTIFICATE_EXPIRED: {
    class: 'certificate',
    actions: ['contact-office'],
    it: {
      message: 'Il certificato è scaduto[ il {notAfter}]: un certificato scaduto non può essere rinnovato.',
      nextStep: 'Occorre una nuova emissione su un nuovo dispositivo: si rivolga all\'Ufficio di Registrazione che ha effettuato il rilascio.',
    },
    en: {
      message: 'The certificate expired[ on {notAfter}]: an expired certificate cannot be renewed.',
      nextStep: 'A new issuance on a new device is needed: contact the Registration Office that issued the device.',
    },
  },
  CERTIFICATE_ALREADY_RENEWED: {
    class: 'certificate',
    actions: [],
    it: {
      message: 'Il certificato risulta già rinnovato.',
      nextStep: 'Non serve fare altro. Se sul dispositivo vede ancora il certificato vecchio, contatti l\'assistenza con il pacchetto di supporto.',
    },
    en: {
      message: 'The certificate has already been renewed.',
      nextStep: 'Nothing else is needed. If the device still shows the old certificate, contact the helpdesk with the support bundle.',
    },
  },
  CNS_SIX_YEAR_LIMIT: {
    class: 'certificate',
    actions: ['contact-office'],
    it: {
      message: 'La CNS ha raggiunto la durata massima di 6 anni dal rilascio: è possibile un solo rinnovo, già effettuato.',
      nextStep: 'Per continuare a usare la CNS occorre un nuovo dispositivo: si rivolga all\'Ufficio di Registrazione della sua Camera di Commercio.',
    },
    en: {
      message: 'The CNS has reached its maximum life of 6 years from issuance: only one renewal is possible, and it was done.',
      nextStep: 'To keep using a CNS you need a new device: contact the Registration Office of your Chamber of Commerce.',
    },
  },
  CERTIFICATE_TOO_EARLY: {
    class: 'certificate',
    actions: [],
    it: {
      message: 'Il certificato non è ancora rinnovabile[: il rinnovo sarà possibile dal {renewableFrom}].',
      nextStep: 'Riprovi quando il rinnovo sarà possibile; riceverà anche un promemoria via e-mail prima della scadenza.',
    },
    en: {
      message: 'The certificate cannot be renewed yet[: renewal opens on {renewableFrom}].',
      nextStep: 'Try again once renewal opens; you will also receive an e-mail reminder before it expires.',
    },
  },
  CERTIFICATE_RECENTLY_RENEWED: {
    class: 'certificate',
    actions: [],
    it: {
      message: 'Certificato rinnovato[ il {renewedAt}]: è valido e non serve rinnovarlo.',
      nextStep: 'Non deve fare nulla per questo certificato. Potrà rinnovarlo nei mesi prima della nuova scadenza.',
    },
    en: {
      message: 'Certificate renewed[ on {renewedAt}]: it is valid and does not need renewing.',
      nextStep: 'Nothing to do for this certificate. You can renew it in the months before its new expiry.',
    },
  },
} as const satisfies Record<string, CatalogueEntry>;
