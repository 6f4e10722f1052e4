import type { CatalogueEntry } from './catalogue-entry.js';

/**
 * The device and its PIN: the guide's cases 3 (no driver; told apart, as far as PKCS#11 can, from
 * a library that sees no reader and from a reader without a card), 4 (not a Chamber of Commerce device),
 * 5 (wrong PIN) and 9 (a single certificate), plus PIN lock-out, removal and a full card.
 */
export const deviceErrors = {
  DEVICE_SOFTWARE_NOT_FOUND: {
    class: 'device',
    actions: ['retry', 'contact-office'],
    it: {
      message: 'Il dispositivo non è stato riconosciuto: sulla postazione manca il software della carta (driver).',
      nextStep: 'Installi il software di firma scaricabile dal sito www.card.infocamere.it (sezione Download Software) e i driver del lettore, poi prema «Riprova».',
    },
    en: {
      message: 'The device was not recognised: the card software (driver) is missing on this computer.',
      nextStep: 'Install the signing software from www.card.infocamere.it (Download Software section) and the reader drivers, then press “Try again”.',
    },
  },
  DEVICE_MODULE_LOAD_FAILED: {
    class: 'device',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Il software della carta è presente ma non si avvia.',
      nextStep: 'Reinstalli il software di firma da www.card.infocamere.it e riavvii il computer; se non basta, salvi il pacchetto di supporto per l\'assistenza.',
    },
    en: {
      message: 'The card software is installed but does not start.',
      nextStep: 'Reinstall the signing software from www.card.infocamere.it and restart the computer; if that does not help, save the support bundle for the helpdesk.',
    },
  },
  DEVICE_NO_READER: {
    class: 'device',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Il software della carta è installato, ma non vede alcun lettore di smart card né token USB.',
      nextStep: 'Colleghi il lettore (o il token USB) e prema «Riprova». Se è già collegato, installi il driver del lettore dal sito del produttore o da www.card.infocamere.it (sezione Download Software) e riprovi.',
    },
    en: {
      message: 'The card software is installed, but it sees no smart card reader and no USB token.',
      nextStep: 'Connect the reader (or the USB token) and press “Try again”. If it is connected already, install the reader driver from the manufacturer\'s site or from www.card.infocamere.it (Download Software section) and try again.',
    },
  },
  DEVICE_NOT_FOUND: {
    class: 'device',
    actions: ['retry'],
    it: {
      message: 'Nessun dispositivo inserito: il lettore c\'è, ma non contiene una carta.',
      nextStep: 'Inserisca la smart card nel lettore (o il token USB nella porta) e prema «Riprova».',
    },
    en: {
      message: 'No device is inserted: the reader is there, but it holds no card.',
      nextStep: 'Insert the smart card into the reader (or the USB token into a port) and press “Try again”.',
    },
  },
  DEVICE_REMOVED: {
    class: 'device',
    actions: ['resume', 'retry'],
    it: {
      message: 'Il dispositivo è stato rimosso durante l\'operazione.',
      nextStep: 'Reinserisca il dispositivo e prema «Riprova»: il rinnovo riprende dal punto in cui si è interrotto, senza nuovi addebiti.',
    },
    en: {
      message: 'The device was removed during the operation.',
      nextStep: 'Insert the device again and press “Try again”: the renewal resumes where it stopped, with no new charge.',
    },
  },
  DEVICE_SLOT_MISSING: {
    class: 'device',
    actions: ['resume', 'retry'],
    it: {
      message: 'Il dispositivo non mostra la parte (slot) su cui era in corso il rinnovo: forse è inserito anche un altro dispositivo dello stesso tipo, o il lettore non la mostra in questo momento.',
      nextStep: 'Lasci inserito solo il dispositivo da rinnovare, lo reinserisca e prema «Riprova»: il rinnovo riprende dal punto in cui si è interrotto.',
    },
    en: {
      message: 'The device does not show the part (slot) the renewal was working on: another device of the same type may be inserted too, or the reader is not showing it right now.',
      nextStep: 'Leave only the device being renewed inserted, insert it again and press “Try again”: the renewal resumes where it stopped.',
    },
  },
  DEVICE_NOT_CHAMBER_OF_COMMERCE: {
    class: 'certificate',
    actions: ['contact-office'],
    it: {
      message: 'Il dispositivo inserito non è stato rilasciato da una Camera di Commercio.',
      nextStep: 'Questo programma rinnova solo i dispositivi delle Camere di Commercio: per il suo dispositivo si rivolga al certificatore che lo ha emesso.',
    },
    en: {
      message: 'The device inserted was not issued by a Chamber of Commerce.',
      nextStep: 'This program renews Chamber of Commerce devices only: for your device, contact the certification authority that issued it.',
    },
  },
  DEVICE_SINGLE_CERTIFICATE: {
    class: 'certificate',
    actions: ['contact-office'],
    it: {
      message: 'A bordo del dispositivo vi è un solo certificato: il rinnovo richiede sia il certificato di sottoscrizione sia quello CNS.',
      nextStep: 'Se un rinnovo di questo dispositivo si è interrotto su un altro computer, lo riprenda da quel computer: lì il programma conserva quanto serve per completarlo. Altrimenti si rivolga all\'Ufficio di Registrazione della sua Camera di Commercio per una nuova emissione.',
    },
    en: {
      message: 'There is only one certificate on the device: renewal needs both the signature and the CNS certificate.',
      nextStep: 'If a renewal of this device was interrupted on another computer, resume it from that computer: the program there keeps what it needs to finish it. Otherwise contact the Registration Office of your Chamber of Commerce for a new issuance.',
    },
  },
  DEVICE_FULL: {
    class: 'device',
    actions: ['support-bundle', 'contact-office'],
    it: {
      message: 'Sul dispositivo non c\'è più spazio per una nuova coppia di chiavi.',
      nextStep: 'Il certificato per cui serviva la nuova coppia di chiavi non è stato rinnovato e non le è stato addebitato; un eventuale certificato già rinnovato resta sul dispositivo. Salvi il pacchetto di supporto e contatti l\'assistenza.',
    },
    en: {
      message: 'There is no room left on the device for a new key pair.',
      nextStep: 'The certificate that needed the new key pair was not renewed and you were not charged for it; any certificate already renewed stays on the device. Save the support bundle and contact the helpdesk.',
    },
  },
  DEVICE_FULL_OLD_REMOVED: {
    class: 'device',
    actions: ['resume', 'support-bundle', 'contact-office'],
    it: {
      message: 'Il dispositivo dice di non avere spazio per la nuova coppia di chiavi, anche se il certificato precedente è già stato rimosso per farle posto, come indicato prima di procedere: ora il dispositivo non ha quel certificato.',
      nextStep: 'Alcune carte liberano lo spazio solo quando vengono reinserite: tolga il dispositivo, lo reinserisca e completi il rinnovo. Se il messaggio si ripete, salvi il pacchetto di supporto e contatti l\'assistenza: questo certificato non le viene addebitato finché non è emesso.',
    },
    en: {
      message: 'The device says it has no room for the new key pair, although the previous certificate was already removed to make room, as you were told before going on: the device now has no such certificate.',
      nextStep: 'Some cards free the room only once they are inserted again: remove the device, insert it again and complete the renewal. If the message comes back, save the support bundle and contact the helpdesk: you are not charged for this certificate until it is issued.',
    },
  },
  DEVICE_FULL_CERTIFICATE_OLD_REMOVED: {
    class: 'device',
    actions: ['resume', 'support-bundle', 'contact-office'],
    it: {
      message: 'Il dispositivo dice di non avere spazio per il certificato rinnovato, anche se il certificato precedente è già stato rimosso per fargli posto, come indicato prima di procedere: ora il dispositivo non ha quel certificato.',
      nextStep: 'Alcune carte liberano lo spazio solo quando vengono reinserite: tolga il dispositivo, lo reinserisca e completi il rinnovo. Il certificato rinnovato è già stato emesso: se il dispositivo lo rifiuta di nuovo, viene restituito e non le viene addebitato (quanto eventualmente pagato per esso le viene rimborsato).',
    },
    en: {
      message: 'The device says it has no room for the renewed certificate, although the previous certificate was already removed to make room, as you were told before going on: the device now has no such certificate.',
      nextStep: 'Some cards free the room only once they are inserted again: remove the device, insert it again and complete the renewal. The renewed certificate is already issued: if the device refuses it again, it is given back and you are not charged for it (anything you paid for it is refunded).',
    },
  },
  DEVICE_NOT_RESPONDING: {
    class: 'device',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Il software della carta ha smesso di rispondere ed è stato riavviato.',
      nextStep: 'Estragga e reinserisca il dispositivo, poi prema «Riprova». Nessun pagamento va perso: il rinnovo riprende da dove si era fermato.',
    },
    en: {
      message: 'The card software stopped responding and was restarted.',
      nextStep: 'Remove and insert the device again, then press “Try again”. No payment is lost: the renewal resumes where it stopped.',
    },
  },
  DEVICE_KEY_NOT_ON_DEVICE: {
    class: 'device',
    actions: ['support-bundle'],
    it: {
      message: 'Il dispositivo non ha generato la chiave al proprio interno come richiesto per una firma qualificata.',
      nextStep: 'La chiave è stata scartata: il certificato rinnovato non è stato emesso e non le viene addebitato. Salvi il pacchetto di supporto e contatti l\'assistenza.',
    },
    en: {
      message: 'The device did not generate the key inside itself, as a qualified signature requires.',
      nextStep: 'The key was discarded: the renewed certificate was not issued and you are not charged for it. Save the support bundle and contact the helpdesk.',
    },
  },
  DEVICE_VERIFY_FAILED: {
    class: 'device',
    actions: ['resume', 'support-bundle'],
    it: {
      message: 'Il nuovo certificato scritto sul dispositivo non corrisponde alla sua chiave.',
      nextStep: 'I certificati precedenti sono ancora sul dispositivo. Prema «Completa il rinnovo»; se si ripete, salvi il pacchetto di supporto e contatti l\'assistenza.',
    },
    en: {
      message: 'The new certificate written on the device does not match its key.',
      nextStep: 'The previous certificates are still on the device. Press “Finish the renewal”; if it happens again, save the support bundle and contact the helpdesk.',
    },
  },
  DEVICE_PAIR_UNCHECKED: {
    class: 'device',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Il dispositivo non è riuscito a firmare con la nuova chiave: il certificato appena scritto non può essere verificato.',
      nextStep: 'Tolga e reinserisca il dispositivo, poi prema «Riprova». Se accade di nuovo, il certificato rinnovato viene restituito al servizio e non le viene addebitato.',
    },
    en: {
      message: 'The device could not sign with the new key: the certificate just written cannot be checked.',
      nextStep: 'Remove and insert the device again, then press “Try again”. If it happens again, the renewed certificate is given back to the service and you are not charged for it.',
    },
  },
  DEVICE_LOGIN_LOST: {
    class: 'device',
    actions: ['resume', 'support-bundle'],
    it: {
      message: 'Il dispositivo non è più sbloccato: il software della carta si è riavviato e ha perso l\'accesso concesso dal PIN. L\'operazione non è stata eseguita.',
      nextStep: 'Inserisca di nuovo il PIN: se il programma propone «Completa il rinnovo», il rinnovo riprende dal punto in cui si era fermato; altrimenti ricominci. Nulla le viene addebitato di nuovo.',
    },
    en: {
      message: 'The device is no longer unlocked: the card software restarted and lost the access the PIN had granted. The operation was not carried out.',
      nextStep: 'Enter the PIN again: if the program offers “Finish the renewal”, the renewal resumes where it stopped; otherwise start again. Nothing is charged again.',
    },
  },
  DEVICE_OPERATION_FAILED: {
    class: 'device',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Il dispositivo ha rifiutato l\'operazione richiesta.',
      nextStep: 'Prema «Riprova». Se l\'errore si ripete salvi il pacchetto di supporto e lo invii all\'assistenza.',
    },
    en: {
      message: 'The device refused the operation.',
      nextStep: 'Press “Try again”. If the error happens again, save the support bundle and send it to the helpdesk.',
    },
  },
  PIN_INCORRECT: {
    class: 'pin',
    actions: ['enter-pin'],
    it: {
      message: 'Il PIN inserito non è corretto.',
      nextStep: 'Controlli il PIN (è stampato sulla scratchcard consegnata con il dispositivo, sotto la banda da grattare) e lo inserisca di nuovo. Dopo tre errori il PIN si blocca.',
    },
    en: {
      message: 'The PIN entered is not correct.',
      nextStep: 'Check the PIN (it is printed on the scratchcard delivered with the device, under the scratch-off strip) and enter it again. After three mistakes the PIN is locked.',
    },
  },
  PIN_FORMAT_INVALID: {
    class: 'pin',
    actions: ['enter-pin'],
    it: {
      message: 'Il PIN non è stato inviato al dispositivo: deve avere da 4 a 16 caratteri, senza spazi (ne è arrivato uno vuoto o non valido).',
      nextStep: 'Lo inserisca di nuovo: nessun tentativo del PIN è stato consumato.',
    },
    en: {
      message: 'The PIN was not sent to the device: it must have 4 to 16 characters and no spaces (an empty or invalid one arrived).',
      nextStep: 'Enter it again: no PIN try was used.',
    },
  },
  PIN_FINAL_TRY_UNCONFIRMED: {
    class: 'pin',
    actions: ['enter-pin'],
    it: {
      message: 'Rimane un solo tentativo: se il PIN è sbagliato anche questa volta, il dispositivo si blocca.',
      nextStep: 'Verifichi con cura il PIN, poi confermi esplicitamente che vuole usare l\'ultimo tentativo.',
    },
    en: {
      message: 'Only one try is left: if the PIN is wrong this time too, the device locks.',
      nextStep: 'Check the PIN carefully, then confirm explicitly that you want to use the last try.',
    },
  },
  PIN_LOCKED: {
    class: 'pin',
    actions: ['contact-office'],
    it: {
      message: 'Il PIN è bloccato: sono stati inseriti troppi PIN errati.',
      nextStep: 'Sblocchi il PIN con il PUK, stampato sulla stessa scratchcard del PIN consegnata con il dispositivo, usando il software di firma (www.card.infocamere.it); poi ricominci. Se non ha più la scratchcard si rivolga all\'Ufficio di Registrazione.',
    },
    en: {
      message: 'The PIN is locked: too many wrong PINs were entered.',
      nextStep: 'Unlock the PIN with the PUK, printed on the same scratchcard as the PIN, delivered with the device, using the signing software (www.card.infocamere.it); then start again. If you no longer have the scratchcard, contact the Registration Office.',
    },
  },
  PIN_PAD_ABSENT: {
    class: 'pin',
    actions: ['enter-pin'],
    it: {
      message: 'Il lettore non ha una tastiera per il PIN: il PIN non è stato chiesto al dispositivo.',
      nextStep: 'Digiti il PIN nel programma (dal terminale, senza --pin-pad): nessun tentativo del PIN è stato consumato.',
    },
    en: {
      message: 'The reader has no PIN keypad: the PIN was not asked of the device.',
      nextStep: 'Type the PIN in the program (from a terminal, without --pin-pad): no PIN try was used.',
    },
  },
  PIN_PAD_CANCELLED: {
    class: 'pin',
    actions: ['enter-pin'],
    it: {
      message: 'L\'inserimento del PIN sul lettore è stato annullato o non è stato completato in tempo.',
      nextStep: 'Prema «Sblocca» e digiti il PIN sulla tastiera del lettore.',
    },
    en: {
      message: 'PIN entry on the reader was cancelled or not completed in time.',
      nextStep: 'Press “Unlock” and type the PIN on the reader\'s keypad.',
    },
  },
} as const satisfies Record<string, CatalogueEntry>;
