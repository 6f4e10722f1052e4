import type { CatalogueEntry } from './catalogue-entry.js';

/** Errors of the boundary itself: malformed requests and faults nobody foresaw. */
export const foundationErrors = {
  INVALID_REQUEST: {
    class: 'input',
    actions: ['support-bundle'],
    it: {
      message: 'La richiesta inviata al programma non è valida.',
      nextStep: 'Chiuda e riapra il programma; se il problema si ripete salvi il pacchetto di supporto e lo invii all\'assistenza.',
    },
    en: {
      message: 'The request sent to the program is not valid.',
      nextStep: 'Close and reopen the program; if it happens again, save the support bundle and send it to the helpdesk.',
    },
  },
  COMMAND_OPTION_MISSING: {
    class: 'input',
    actions: [],
    it: {
      message: 'Al comando manca l\'opzione {option}: il modo di pagare si indica prima di iniziare.',
      nextStep: 'Ripeta il comando indicando con --pay il conto Telemaco, il conto Iconto (con --user e l\'identificativo dell\'account) o la carta di credito; un rinnovo gratuito non addebita nulla. «rinnovo-cns --help» elenca i valori.',
    },
    en: {
      message: 'The command lacks the option {option}: the way to pay is given before starting.',
      nextStep: 'Run the command again naming with --pay the Telemaco account, the Iconto account (with --user and the account id) or the credit card; a free renewal charges nothing. "rinnovo-cns --help" lists the values.',
    },
  },
  COMMAND_LINE_INVALID: {
    class: 'input',
    actions: [],
    it: {
      message: 'La riga di comando non è valida[: «{word}» non è un comando né un\'opzione del programma].',
      nextStep: 'Corregga il comando: «rinnovo-cns --help» elenca i comandi e le opzioni.',
    },
    en: {
      message: 'The command line is not valid[: "{word}" is neither a command nor an option of the program].',
      nextStep: 'Correct the command: "rinnovo-cns --help" lists the commands and options.',
    },
  },
  COMMAND_OPTION_INVALID: {
    class: 'input',
    actions: [],
    it: {
      message: 'Il valore dell\'opzione {option} non è valido.',
      nextStep: '«rinnovo-cns --help» elenca le opzioni e i valori ammessi.',
    },
    en: {
      message: 'The value of the option {option} is not valid.',
      nextStep: '"rinnovo-cns --help" lists the options and their values.',
    },
  },
  DATA_FOLDER_UNUSABLE: {
    class: 'input',
    actions: [],
    it: {
      message: 'Il programma non può scrivere nella sua cartella dei dati.',
      nextStep:
        'Controlli che la cartella sia sua e scrivibile (per esempio che non sia stata creata avviando il programma come amministratore); dal terminale può indicarne un\'altra con --data. Se il problema resta, contatti l\'assistenza.',
    },
    en: {
      message: 'The program cannot write to its data folder.',
      nextStep: 'Check that the folder is yours and writable (for instance that it was not created by starting the program as an administrator); from a terminal you can name another one with --data. If the problem remains, contact the helpdesk.',
    },
  },
  UNKNOWN_METHOD: {
    class: 'input',
    actions: ['support-bundle'],
    it: {
      message: 'Il programma ha ricevuto una richiesta che non conosce.',
      nextStep: 'Chiuda e riapra il programma; se il problema si ripete salvi il pacchetto di supporto e lo invii all\'assistenza.',
    },
    en: {
      message: 'The program received a request it does not know.',
      nextStep: 'Close and reopen the program; if it happens again, save the support bundle and send it to the helpdesk.',
    },
  },
  UNTRUSTED_SENDER: {
    class: 'internal',
    actions: ['support-bundle'],
    it: {
      message: 'Una pagina non autorizzata ha provato a usare il programma ed è stata bloccata.',
      nextStep: 'Chiuda e riapra il programma. Se il messaggio si ripete salvi il pacchetto di supporto e lo invii all\'assistenza.',
    },
    en: {
      message: 'A page that is not part of the program tried to use it and was blocked.',
      nextStep: 'Close and reopen the program. If this happens again, save the support bundle and send it to the helpdesk.',
    },
  },
  INTERNAL_ERROR: {
    class: 'internal',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Si è verificato un errore imprevisto nel programma.',
      nextStep: 'Riprovi. Se l\'errore si ripete salvi il pacchetto di supporto e lo invii all\'assistenza: nessun pagamento né certificato va perso.',
    },
    en: {
      message: 'An unexpected error occurred in the program.',
      nextStep: 'Try again. If it happens again, save the support bundle and send it to the helpdesk: no payment or certificate is lost.',
    },
  },
} as const satisfies Record<string, CatalogueEntry>;
