import type { CatalogueEntry } from './catalogue-entry.js';

/** Errors of the renewal procedure itself (payment outcomes, order of steps, interruptions). */
export const renewalErrors = {
  RENEWAL_OTHER_SERVICE: {
    class: 'renewal',
    actions: ['support-bundle'],
    it: {
      message: 'Il rinnovo da completare su questo dispositivo è stato iniziato con un altro servizio di rinnovo, che il programma ora non usa.',
      nextStep: 'Riavvii il programma con il servizio con cui il rinnovo è stato iniziato, e lo riprenda: nulla di quanto già fatto o pagato va perso. Se non sa quale, salvi il pacchetto di supporto e lo invii all\'assistenza.',
    },
    en: {
      message: 'The renewal to finish on this device was begun with another renewal service, which the program does not use now.',
      nextStep: 'Start the program again with the service the renewal was begun with, and resume it: nothing already done or paid is lost. If you do not know which, save the support bundle and send it to the helpdesk.',
    },
  },
  RENEWAL_WRONG_STEP: {
    class: 'input',
    actions: ['retry'],
    it: {
      message: 'Questa operazione non è possibile in questo momento della procedura.',
      nextStep: 'Segua le indicazioni a video; se la schermata non cambia, ricominci dall\'inizio.',
    },
    en: {
      message: 'This operation is not possible at this point of the procedure.',
      nextStep: 'Follow the instructions on screen; if the screen does not change, start again from the beginning.',
    },
  },
  NOTHING_TO_RENEW: {
    class: 'certificate',
    // Each certificate carries its own remedy: a generic "contact the office" would be wrong for one already renewed.
    actions: [],
    it: {
      message: 'Nessun certificato presente sul dispositivo può essere rinnovato.',
      nextStep: 'Accanto a ciascun certificato trova il motivo e cosa fare.',
    },
    en: {
      message: 'None of the certificates on the device can be renewed.',
      nextStep: 'Beside each certificate you will find the reason and what to do.',
    },
  },
  CARD_PAYMENT_CANCELLED: {
    class: 'payment',
    actions: ['retry', 'choose-payment'],
    it: {
      message: 'Precedenti operazioni di pagamento annullate: il pagamento con carta di credito è stato annullato.',
      nextStep: 'Nessun importo è stato addebitato. Può riprovare con la carta o scegliere un altro metodo di pagamento.',
    },
    en: {
      message: 'Previous payment operations cancelled: the credit card payment was cancelled.',
      nextStep: 'Nothing was charged. You can try the card again or choose another payment method.',
    },
  },
  CARD_PAYMENT_FAILED: {
    class: 'payment',
    actions: ['retry', 'choose-payment'],
    it: {
      message: 'Il pagamento con carta di credito non è andato a buon fine.',
      nextStep: 'Nessun importo è stato addebitato. Verifichi i dati della carta e riprovi, oppure scelga Iconto o Telemaco.',
    },
    en: {
      message: 'The credit card payment did not go through.',
      nextStep: 'Nothing was charged. Check the card details and try again, or choose Iconto or Telemaco.',
    },
  },
  CARD_PAYMENT_PENDING: {
    class: 'payment',
    actions: ['retry'],
    it: {
      message: 'Procedura di pagamento non ancora completata.',
      nextStep: 'Completi il pagamento nella pagina aperta nel browser, poi prema «Verifica pagamento». Se ha chiuso la pagina, può riaprirla dal collegamento qui sotto.',
    },
    en: {
      message: 'The payment procedure is not complete yet.',
      nextStep: 'Complete the payment in the page opened in your browser, then press “Check payment”. If you closed the page, reopen it from the link below.',
    },
  },
  DEVICE_PROOF_UNAVAILABLE: {
    class: 'renewal',
    actions: ['support-bundle', 'contact-office'],
    it: {
      message: 'Sul dispositivo non è rimasta una chiave CNS con cui dimostrare al servizio di possederlo.',
      nextStep: 'Quanto eventualmente già pagato resta valido. Salvi il pacchetto di supporto e contatti l\'assistenza o l\'Ufficio di Registrazione: le diranno come completare il rinnovo.',
    },
    en: {
      message: 'No CNS key is left on the device to prove to the service that you hold it.',
      nextStep: 'Anything already paid stays valid. Save the support bundle and contact the helpdesk or the Registration Office: they will tell you how to complete the renewal.',
    },
  },
  RENEWAL_INTERRUPTED: {
    class: 'renewal',
    actions: ['resume'],
    it: {
      message: 'Un rinnovo iniziato su questo dispositivo non è stato completato.',
      nextStep: 'Prema «Completa il rinnovo»: il rinnovo riprende da dove si era fermato, e quanto eventualmente già pagato non le verrà addebitato di nuovo.',
    },
    en: {
      message: 'A renewal started on this device was not completed.',
      nextStep: 'Press “Finish the renewal”: the renewal goes on from where it stopped, and anything already paid is not charged again.',
    },
  },
  ISSUED_CERTIFICATE_REJECTED: {
    class: 'renewal',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Il certificato ricevuto dal servizio non ha superato i controlli del programma: non è stato scritto sul dispositivo, che conserva i certificati di prima.',
      nextStep: 'Questo certificato non le viene addebitato: l\'importo eventualmente trattenuto per esso è stato rilasciato. Riprovi più tardi; se si ripete, salvi il pacchetto di supporto e lo invii all\'assistenza.',
    },
    en: {
      message: 'The certificate received from the service failed the program\'s checks: it was not written to the device, which keeps its previous certificates.',
      nextStep: 'You are not charged for this certificate: any amount held for it was released. Try again later; if it happens again, save the support bundle and send it to the helpdesk.',
    },
  },
  ISSUED_CERTIFICATE_ALREADY_ON_CARD: {
    class: 'renewal',
    actions: ['support-bundle'],
    it: {
      message: 'Il servizio ha risposto con un certificato già presente sul dispositivo invece di quello rinnovato: il programma non lo scrive e non chiede al servizio di revocarlo, perché revocherebbe un certificato in uso.',
      nextStep: 'Il servizio potrebbe aver addebitato l\'importo di questo certificato: salvi il pacchetto di supporto e lo invii all\'assistenza, che ne chiede conto al servizio; ottenuto il rimborso potrà rinnovarlo di nuovo.',
    },
    en: {
      message: 'The service answered with a certificate already on the device instead of the renewed one: the program does not write it and does not ask the service to revoke it, since that would revoke a certificate in use.',
      nextStep: 'The service may have charged for this certificate: save the support bundle and send it to the helpdesk, who take it up with the service; once refunded, you can renew it again.',
    },
  },
  ISSUED_CERTIFICATE_ALREADY_ON_CARD_OLD_REMOVED: {
    class: 'renewal',
    actions: ['support-bundle', 'contact-office'],
    it: {
      message: 'Il servizio ha risposto con un certificato già presente sul dispositivo invece di quello rinnovato: il programma non lo scrive e non chiede al servizio di revocarlo. Poiché sul dispositivo non c\'era spazio, il certificato precedente era già stato rimosso, come indicato prima di procedere: ora il dispositivo non ha quel certificato.',
      nextStep: 'Il servizio potrebbe aver addebitato l\'importo di questo certificato. Salvi il pacchetto di supporto e contatti l\'assistenza o l\'Ufficio di Registrazione, che può emettere di nuovo il certificato e chiedere conto dell\'addebito.',
    },
    en: {
      message: 'The service answered with a certificate already on the device instead of the renewed one: the program does not write it and does not ask the service to revoke it. As the device had no room, its previous certificate had already been removed, as you were told before going on: the device now has no such certificate.',
      nextStep: 'The service may have charged for this certificate. Save the support bundle and contact the helpdesk or the Registration Office, which can issue the certificate again and take up the charge.',
    },
  },
  ISSUED_CERTIFICATE_REJECTED_OLD_REMOVED: {
    class: 'renewal',
    actions: ['support-bundle', 'contact-office'],
    it: {
      message: 'Il certificato ricevuto dal servizio non ha superato i controlli del programma e non è stato scritto sul dispositivo. Poiché sul dispositivo non c\'era spazio, il certificato precedente era già stato rimosso, come indicato prima di procedere: ora il dispositivo non ha quel certificato.',
      nextStep: 'Questo certificato non le viene addebitato: l\'importo eventualmente trattenuto per esso è stato rilasciato. Salvi il pacchetto di supporto e contatti l\'assistenza o l\'Ufficio di Registrazione, che può emettere di nuovo il certificato.',
    },
    en: {
      message: 'The certificate received from the service failed the program\'s checks and was not written to the device. As the device had no room, its previous certificate had already been removed, as you were told before going on: the device now has no such certificate.',
      nextStep: 'You are not charged for this certificate: any amount held for it was released. Save the support bundle and contact the helpdesk or the Registration Office, which can issue the certificate again.',
    },
  },
  ISSUED_CERTIFICATE_WITHDRAWN_KEPT: {
    class: 'renewal',
    actions: ['support-bundle', 'contact-office'],
    it: {
      message: 'Il servizio risulta aver annullato il certificato emesso per questo rinnovo, ma il dispositivo non ha più il certificato di prima: il programma lascia sul dispositivo quello nuovo, l\'unico di quel tipo, che potrebbe non essere più valido.',
      nextStep: 'Il certificato annullato non le viene addebitato. Salvi il pacchetto di supporto e contatti l\'assistenza o l\'Ufficio di Registrazione, che verificano se il certificato sul dispositivo è valido.',
    },
    en: {
      message: 'The service shows the certificate issued for this renewal as cancelled, but the device no longer has the previous certificate: the program leaves the new one on the device, the only one of its kind, though it may no longer be valid.',
      nextStep: 'You are not charged for the cancelled certificate. Save the support bundle and contact the helpdesk or the Registration Office, who check whether the certificate on the device is valid.',
    },
  },
  ISSUED_CERTIFICATE_WITHDRAWN: {
    class: 'renewal',
    actions: ['retry', 'support-bundle', 'contact-office'],
    it: {
      message: 'Il servizio ha annullato il certificato emesso per questo rinnovo prima che il rinnovo fosse completato (per esempio perché il rinnovo è stato ripreso da un altro computer): il programma non lo ha usato e lo ha tolto dal dispositivo.',
      nextStep: 'Il certificato annullato non le viene addebitato. Ricominci: il programma le mostrerà quali certificati ha ora il dispositivo e quali può rinnovare. Se il dispositivo non ha più quel certificato, salvi il pacchetto di supporto e contatti l\'assistenza o l\'Ufficio di Registrazione.',
    },
    en: {
      message: 'The service cancelled the certificate issued for this renewal before the renewal was completed (for example because the renewal was taken up again on another computer): the program did not use it and took it off the device.',
      nextStep: 'You are not charged for the cancelled certificate. Start again: the program will show which certificates the device now holds and which you can renew. If the device no longer has that certificate, save the support bundle and contact the helpdesk or the Registration Office.',
    },
  },
  CERTIFICATE_REFUSED_OLD_REMOVED: {
    class: 'renewal',
    actions: ['support-bundle', 'contact-office'],
    it: {
      message: 'Il servizio non ha emesso il certificato rinnovato: il certificato risulta ora sospeso o revocato. Poiché sul dispositivo non c\'era spazio, il certificato precedente era già stato rimosso, come indicato prima di procedere: ora il dispositivo non ha quel certificato.',
      nextStep: 'Questo certificato non le viene addebitato: l\'importo eventualmente trattenuto per esso è stato rilasciato. Contatti l\'Ufficio di Registrazione, che le dirà perché il certificato è sospeso o revocato e come riaverlo; se serve, salvi il pacchetto di supporto.',
    },
    en: {
      message: 'The service did not issue the renewed certificate: the certificate is now suspended or revoked. As the device had no room, its previous certificate had already been removed, as you were told before going on: the device now has no such certificate.',
      nextStep: 'You are not charged for this certificate: any amount held for it was released. Contact the Registration Office, which will tell you why the certificate is suspended or revoked and how to get it back; if needed, save the support bundle.',
    },
  },
  CERTIFICATE_HELD_BACK: {
    class: 'renewal',
    actions: ['support-bundle', 'contact-office'],
    it: {
      message: 'Questo certificato non è stato rinnovato: l\'altro certificato non è stato rinnovato (rifiutato, o ritirato dal servizio), e il dispositivo non aveva spazio per rinnovare questo senza togliere prima il certificato attuale; il programma non lo ha fatto. Il certificato attuale resta sul dispositivo e funziona.',
      nextStep: 'Questo certificato non le viene addebitato: l\'importo eventualmente trattenuto per esso resta trattenuto finché scade il tempo della trattenuta (fino a 30 giorni), poi il servizio lo rilascia. Contatti l\'Ufficio di Registrazione: l\'altro certificato va emesso di nuovo prima che questo si possa rinnovare.',
    },
    en: {
      message: 'This certificate was not renewed: the other certificate was not renewed (refused, or withdrawn by the service), and the device had no room to renew this one without first removing the current one; the program did not do that. The current certificate stays on the device and works.',
      nextStep: 'You are not charged for this certificate: any amount held for it stays held until the hold runs out (up to 30 days), then the service releases it. Contact the Registration Office: the other certificate must be issued again before this one can be renewed.',
    },
  },
  ISSUED_CERTIFICATE_UNDELIVERABLE: {
    class: 'renewal',
    actions: ['support-bundle', 'contact-office'],
    it: {
      message: 'Il certificato rinnovato non funziona su questo dispositivo (la chiave generata non firma per il certificato, oppure il dispositivo non ha potuto memorizzarlo): il programma lo ha comunicato al servizio, che lo ha annullato.',
      nextStep: 'Questo certificato non le viene addebitato: se lo aveva già pagato, l\'importo le viene restituito. Se il certificato precedente era già stato rimosso per fargli posto, il dispositivo ora non ha quel certificato. Il dispositivo potrebbe essere danneggiato: salvi il pacchetto di supporto e contatti l\'assistenza o l\'Ufficio di Registrazione, che può emettere di nuovo il certificato.',
    },
    en: {
      message: 'The renewed certificate does not work on this device (the key generated does not sign for the certificate, or the device could not store it): the program told the service, which cancelled it.',
      nextStep: 'You are not charged for this certificate: if you had paid for it already, the amount is refunded. If the previous certificate had already been removed to make room for it, the device now has no such certificate. The device may be faulty: save the support bundle and contact the helpdesk or the Registration Office, which can issue the certificate again.',
    },
  },
  JOURNAL_WRITE_FAILED: {
    class: 'renewal',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Il programma non è riuscito a salvare su questo computer il punto a cui è arrivato il rinnovo (disco pieno o cartella dei dati non scrivibile), e si è fermato prima di proseguire.',
      nextStep: 'Liberi spazio sul disco o controlli la cartella dei dati del programma, poi prema «Riprova»: il rinnovo riprende dall\'ultimo punto salvato, senza nuovi addebiti.',
    },
    en: {
      message: 'The program could not save on this computer how far the renewal has got (the disk is full or the data folder cannot be written), and stopped before going on.',
      nextStep: 'Free some disk space or check the program\'s data folder, then press “Try again”: the renewal resumes from the last point saved, with no new charge.',
    },
  },
  JOURNAL_READ_FAILED: {
    class: 'renewal',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Il programma non riesce a leggere su questo computer il punto a cui era arrivato il rinnovo (cartella dei dati non leggibile, o il file è aperto da un altro programma) e non è andato avanti.',
      nextStep: 'Chiuda i programmi che potrebbero tenere aperta la cartella dei dati (un antivirus, la sincronizzazione del disco) o ne controlli i permessi, poi prema «Riprova»: nulla è andato perso e nulla le viene addebitato di nuovo. Se il messaggio si ripete, salvi il pacchetto di supporto e contatti l\'assistenza.',
    },
    en: {
      message: 'The program cannot read on this computer how far the renewal had got (the data folder cannot be read, or another program holds the file open) and did not go on.',
      nextStep: 'Close any program that may hold the data folder open (an antivirus, disk sync) or check its permissions, then press “Try again”: nothing is lost and you are not charged again. If the message comes back, save the support bundle and contact the helpdesk.',
    },
  },
  JOURNAL_DAMAGED: {
    class: 'renewal',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Le informazioni del rinnovo interrotto salvate su questo computer erano danneggiate: sono state messe da parte per l\'assistenza.',
      nextStep: 'Quanto già pagato non va perso: il programma recupera dal servizio lo stato del rinnovo. Prosegua inserendo il PIN (se non le viene chiesto, prema «Riprova»); se qualcosa non torna, salvi il pacchetto di supporto.',
    },
    en: {
      message: 'The information about the interrupted renewal saved on this computer was damaged: it was set aside for the helpdesk.',
      nextStep: 'Nothing already paid is lost: the program recovers the renewal\'s state from the service. Go on by entering the PIN (if you are not asked for it, press “Try again”); if something looks wrong, save the support bundle.',
    },
  },
  RENEWAL_CERTIFICATE_DROPPED: {
    class: 'certificate',
    actions: ['contact-office'],
    it: {
      message: 'Il servizio non ha accettato il pagamento: uno dei certificati scelti non è più rinnovabile (ad esempio perché sospeso o revocato dopo la scelta). È stato tolto da questo rinnovo e non le verrà addebitato.',
      nextStep: 'Il nuovo importo, indicato nel riepilogo del pagamento, riguarda solo il certificato rimasto: lo paghi per completarne il rinnovo. Per il certificato tolto si rivolga all\'Ufficio di Registrazione che ha rilasciato il dispositivo.',
    },
    en: {
      message: 'The service did not accept the payment: one of the chosen certificates can no longer be renewed (for example, it was suspended or revoked after it was chosen). It was taken out of this renewal and will not be charged.',
      nextStep: 'The new amount, shown in the payment summary, is for the remaining certificate only: pay it to complete its renewal. For the certificate taken out, contact the Registration Office that issued the device.',
    },
  },
  CERTIFICATE_PAID_IN_OTHER_RENEWAL: {
    class: 'payment',
    actions: ['support-bundle'],
    it: {
      message: 'Il certificato risulta già pagato in un altro rinnovo, avviato da un altro computer: questo rinnovo non può usare quel pagamento, e non le viene addebitato di nuovo.',
      nextStep: 'Completi il rinnovo da dove ha pagato. Se non è possibile, riprovi qui quando il servizio avrà rilasciato l\'importo trattenuto, oppure salvi il pacchetto di supporto e contatti l\'assistenza.',
    },
    en: {
      message: 'The certificate is already paid for in another renewal, started from another computer: this renewal cannot use that payment, and you are not charged again.',
      nextStep: 'Finish the renewal where you paid. If you cannot, try again here once the service has released the amount held, or save the support bundle and contact the helpdesk.',
    },
  },
  RENEWAL_FREE_CERTIFICATE_CHARGED: {
    class: 'payment',
    actions: ['support-bundle'],
    it: {
      message: 'Un certificato che le era stato mostrato gratuito è stato emesso su una somma trattenuta per esso dopo quel momento, ad esempio dalla pagina di pagamento con carta lasciata aperta e pagata più tardi: quella somma è stata addebitata (vede l\'importo qui sotto).',
      nextStep: 'Il certificato è sul dispositivo e funziona: la sua vecchia chiave era già stata tolta e senza emetterlo il certificato sarebbe andato perso. Se ritiene di non dover quella somma, salvi il pacchetto di supporto e contatti l\'assistenza della Camera di Commercio.',
    },
    en: {
      message: 'A certificate you had been shown as free was issued on an amount held for it after that, for example by the card payment page left open and paid later: that amount was charged (see the amount below).',
      nextStep: 'The certificate is on the device and works: its old key had already been removed, and without issuing it the certificate would have been lost. If you believe you do not owe that amount, save the support bundle and contact the Chamber of Commerce helpdesk.',
    },
  },
  RENEWAL_FINISHED_ELSEWHERE: {
    class: 'renewal',
    actions: [],
    it: {
      message: 'Questo rinnovo era già stato completato da un altro computer (o da un\'altra esecuzione del programma): i certificati rinnovati sono già sul dispositivo e il pagamento è quello indicato qui sotto.',
      nextStep: 'Non deve fare altro né pagare di nuovo: le informazioni del rinnovo rimaste su questo computer sono state archiviate. Provi i certificati con il software di firma.',
    },
    en: {
      message: 'This renewal had already been completed from another computer (or another run of the program): the renewed certificates are already on the device, and the payment is the one shown below.',
      nextStep: 'There is nothing more to do and nothing to pay again: the renewal information left on this computer was archived. Try the certificates with your signing software.',
    },
  },
  RENEWAL_FINISHED_IN_ANOTHER_RENEWAL: {
    class: 'renewal',
    actions: [],
    it: {
      message: 'Il rinnovo rimasto in sospeso su questo computer era già stato completato da un altro computer, come rinnovo a sé: i certificati rinnovati sono sul dispositivo, come li vede qui sotto.',
      nextStep: 'Non deve fare altro né pagare di nuovo: qui non le è stato addebitato nulla, e un eventuale importo trattenuto per il rinnovo rimasto in sospeso non viene incassato (il servizio lo rilascia). La ricevuta è quella avuta sull\'altro computer. Le informazioni del rinnovo rimaste su questo computer sono state archiviate.',
    },
    en: {
      message: 'The renewal left unfinished on this computer had already been completed from another computer, as a renewal of its own: the renewed certificates are on the device, as listed below.',
      nextStep: 'There is nothing more to do and nothing to pay again: nothing was charged here, and any amount held for the unfinished renewal is not collected (the service releases it). The receipt is the one you got on the other computer. The renewal information left on this computer was archived.',
    },
  },
  RENEWAL_PAYMENT_UNCONFIRMED: {
    class: 'renewal',
    actions: ['retry', 'support-bundle'],
    it: {
      message: 'Il servizio non conferma il pagamento registrato su questo computer: il dispositivo non è stato modificato.',
      nextStep: 'Se ha pagato, conservi la ricevuta e contatti l\'assistenza con il pacchetto di supporto; altrimenti ricominci e completi il pagamento.',
    },
    en: {
      message: 'The service does not confirm the payment recorded on this computer: the device was not changed.',
      nextStep: 'If you paid, keep the receipt and contact the helpdesk with the support bundle; otherwise start again and complete the payment.',
    },
  },
  RENEWAL_HANDOVER_EXPIRED: {
    class: 'renewal',
    actions: ['support-bundle', 'contact-office'],
    it: {
      message: 'Il rinnovo del certificato CNS è rimasto interrotto troppo a lungo dopo che, per mancanza di spazio sul dispositivo, la vecchia chiave CNS era stata rimossa: il servizio non accetta più la verifica firmata allora, e sul dispositivo non c\'è una chiave CNS per firmarne una nuova.',
      nextStep: 'Per il certificato CNS non le viene addebitato nulla: un\'eventuale somma trattenuta viene svincolata dal servizio. Si rivolga all\'Ufficio di Registrazione della sua Camera di Commercio, con il pacchetto di supporto, per una nuova emissione del certificato CNS.',
    },
    en: {
      message: 'The renewal of the CNS certificate was left unfinished too long after its old CNS key was removed (the device had no room): the service no longer accepts the check signed back then, and there is no CNS key on the device to sign a new one.',
      nextStep: 'You are not charged for the CNS certificate: any amount held is released by the service. Contact the Registration Office of your Chamber of Commerce, with the support bundle, for a new issuance of the CNS certificate.',
    },
  },
  RENEWAL_HOLD_LET_GO: {
    class: 'payment',
    actions: [],
    it: {
      message: 'Il servizio ha svincolato la somma trattenuta per uno o più certificati ancora da rinnovare (ad esempio perché il rinnovo è rimasto interrotto a lungo): quella somma torna disponibile e non le viene addebitata.',
      nextStep: 'Per completare il rinnovo, paghi qui l\'importo mostrato. Un eventuale certificato già rinnovato resta sul dispositivo e non va pagato di nuovo.',
    },
    en: {
      message: 'The service released the amount held for one or more certificates still to renew (for instance because the renewal was left unfinished for a long time): that amount is available to you again and you are not charged for it.',
      nextStep: 'To complete the renewal, pay the amount shown here. Any certificate already renewed stays on the device and is not paid for again.',
    },
  },
  RENEWAL_HANDOVER_REFUSED: {
    class: 'renewal',
    actions: ['resume', 'support-bundle'],
    it: {
      message: 'Il servizio non ha accettato la verifica firmata con la vecchia chiave CNS, anche se non è ancora scaduta. Quella chiave è stata rimossa per mancanza di spazio sul dispositivo: ora non c\'è una chiave CNS per firmarne una nuova.',
      nextStep: 'Il certificato CNS non le viene addebitato finché non è emesso. Prema «Completa il rinnovo» più tardi; se il rifiuto si ripete, salvi il pacchetto di supporto e contatti subito l\'assistenza.',
    },
    en: {
      message: 'The service did not accept the check signed with the old CNS key, although it has not expired yet. That key was removed because the device had no room: there is no CNS key on the device now to sign a new one.',
      nextStep: 'You are not charged for the CNS certificate until it is issued. Press “Finish the renewal” later; if the refusal happens again, save the support bundle and contact the helpdesk at once.',
    },
  },
  PAYMENT_LET_GO: {
    class: 'payment',
    actions: [],
    it: {
      message: 'Il pagamento fatto per questo rinnovo è stato rilasciato dal servizio prima che i certificati fossero rinnovati: l\'importo trattenuto torna disponibile e non le viene addebitato.',
      nextStep: 'Per rinnovare, paghi di nuovo qui l\'importo mostrato: il dispositivo non è stato modificato.',
    },
    en: {
      message: 'The payment made for this renewal was released by the service before the certificates were renewed: the amount held is available to you again and you are not charged for it.',
      nextStep: 'To renew, pay the amount shown here again: the device was not changed.',
    },
  },
  PAYMENT_NOT_AS_SHOWN: {
    class: 'payment',
    actions: ['support-bundle'],
    it: {
      message: 'Il servizio di rinnovo chiede un pagamento diverso da quello che le è stato mostrato[: {askedCents} invece di {shownCents}]. Il programma non lo usa: su questo pagamento non viene emesso alcun certificato.',
      nextStep: 'Nulla le viene addebitato: se una somma è stata trattenuta, il servizio la svincola. Salvi il pacchetto di supporto e contatti l\'assistenza della Camera di Commercio; potrà proseguire il rinnovo quando la somma sarà svincolata.',
    },
    en: {
      message: 'The renewal service asks for a payment other than the one you were shown[: {askedCents} instead of {shownCents}]. The program does not use it: no certificate is issued on this payment.',
      nextStep: 'You are not charged: if an amount was held, the service releases it. Save the support bundle and contact your Chamber of Commerce\'s helpdesk; you can go on with the renewal once the amount is released.',
    },
  },
  RENEWAL_IN_PROGRESS: {
    class: 'renewal',
    actions: ['retry'],
    it: {
      message: 'Un\'altra finestra o un altro programma di rinnovo sta già lavorando su questo dispositivo.',
      nextStep: 'Attenda che finisca, oppure lo chiuda, poi riprovi. Non rimuova il dispositivo nel frattempo.',
    },
    en: {
      message: 'Another window or renewal program is already working on this device.',
      nextStep: 'Wait for it to finish, or close it, then try again. Do not remove the device meanwhile.',
    },
  },
} as const satisfies Record<string, CatalogueEntry>;
