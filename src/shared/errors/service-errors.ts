/**
 * Errors of the renewal service: its refusals (sent as `{ error: { code, detail } }`) and the
 * ways talking to it can fail (mapped by the service client).
 *
 * The lab service and the client share these codes, so a refusal reaches the holder with its own
 * message whichever side noticed it. Wording follows the original guide where it has one
 * ("Richiesta non inoltrata: …").
 */
import type { CatalogueEntry } from './catalogue-entry.js';

const helpdesk = {
  it: 'Se il problema si ripete salvi il pacchetto di supporto e lo invii all\'assistenza.',
  en: 'If it happens again, save the support bundle and send it to the helpdesk.',
};

/**
 * Codes the renewal service itself may answer with (besides `NOTHING_TO_RENEW` from the
 * renewal catalogue, which means the same thing wherever it is noticed).
 */
const serviceRefusalErrors = {
  SERVICE_BAD_REQUEST: {
    class: 'service',
    actions: ['support-bundle'],
    it: { message: 'Il servizio di rinnovo ha rifiutato una richiesta del programma perché non valida.', nextStep: `Aggiorni il programma all'ultima versione e riprovi. ${helpdesk.it}` },
    en: { message: 'The renewal service refused a request from the program as invalid.', nextStep: `Update the program to the latest version and try again. ${helpdesk.en}` },
  },
  SERVICE_CHALLENGE_INVALID: {
    class: 'service',
    actions: ['retry'],
    it: { message: 'La verifica del dispositivo è scaduta o è già stata usata.', nextStep: 'Riprovi: il programma chiederà una nuova verifica al dispositivo.' },
    en: { message: 'The device check has expired or was already used.', nextStep: 'Try again: the program will ask the device for a new check.' },
  },
  SERVICE_PROOF_INVALID: {
    class: 'service',
    actions: ['retry', 'contact-office'],
    it: { message: 'Il servizio non ha riconosciuto la firma del dispositivo: il rinnovo è possibile solo con il dispositivo che contiene i certificati.', nextStep: `Verifichi di aver inserito il dispositivo giusto e riprovi. ${helpdesk.it}` },
    en: { message: 'The service did not recognise the device\'s signature: renewal is only possible with the device holding the certificates.', nextStep: `Check that the right device is inserted and try again. ${helpdesk.en}` },
  },
  RENEWAL_NOT_FOUND: {
    class: 'renewal',
    actions: ['retry', 'support-bundle'],
    it: { message: 'Il servizio non trova più questa richiesta di rinnovo.', nextStep: `Ricominci la procedura: nessun pagamento già effettuato va perso. ${helpdesk.it}` },
    en: { message: 'The service can no longer find this renewal request.', nextStep: `Start the procedure again: no payment already made is lost. ${helpdesk.en}` },
  },
  RENEWAL_CERTIFICATE_UNKNOWN: {
    class: 'renewal',
    actions: ['retry', 'support-bundle'],
    it: { message: 'Richiesta non inoltrata: il certificato non fa parte di questa richiesta di rinnovo.', nextStep: `Ricominci la procedura dall'inizio. ${helpdesk.it}` },
    en: { message: 'Request not forwarded: the certificate is not part of this renewal.', nextStep: `Start the procedure again from the beginning. ${helpdesk.en}` },
  },
  RENEWAL_NOT_PAID: {
    class: 'payment',
    actions: ['choose-payment'],
    it: { message: 'Richiesta non inoltrata: il pagamento del rinnovo non risulta ancora effettuato.', nextStep: 'Completi il pagamento, poi il rinnovo prosegue.' },
    en: { message: 'Request not forwarded: the renewal has not been paid yet.', nextStep: 'Complete the payment; the renewal then continues.' },
  },
  CERTIFICATE_NOT_RENEWABLE: {
    class: 'certificate',
    actions: ['contact-office'],
    it: { message: 'Richiesta non inoltrata: il certificato non è più rinnovabile.', nextStep: 'Ricominci per leggere di nuovo i certificati: accanto a ciascuno troverà il motivo e cosa fare.' },
    en: { message: 'Request not forwarded: the certificate can no longer be renewed.', nextStep: 'Start again to read the certificates afresh: beside each one you will find the reason and what to do.' },
  },
  CERTIFICATE_ALREADY_ISSUED: {
    class: 'renewal',
    actions: ['resume'],
    it: { message: 'Il certificato rinnovato è già stato emesso per una richiesta diversa da questa.', nextStep: `Prema «Completa il rinnovo» per installare il certificato già emesso. ${helpdesk.it}` },
    en: { message: 'The renewed certificate was already issued for a different request.', nextStep: `Press “Finish the renewal” to install the certificate already issued. ${helpdesk.en}` },
  },
  CSR_INVALID: {
    class: 'renewal',
    actions: ['retry', 'support-bundle'],
    it: { message: 'Richiesta non inoltrata: la richiesta di certificato generata dal dispositivo non è valida.', nextStep: `Riprovi. ${helpdesk.it}` },
    en: { message: 'Request not forwarded: the certificate request made by the device is not valid.', nextStep: `Try again. ${helpdesk.en}` },
  },
  CSR_HOLDER_MISMATCH: {
    class: 'renewal',
    actions: ['support-bundle'],
    it: { message: 'Richiesta non inoltrata: la richiesta di certificato non riporta i dati del titolare del certificato da rinnovare.', nextStep: helpdesk.it },
    en: { message: 'Request not forwarded: the certificate request does not name the holder of the certificate being renewed.', nextStep: helpdesk.en },
  },
  ISSUANCE_UNAVAILABLE: {
    class: 'service',
    actions: ['retry', 'resume'],
    it: { message: 'L\'emissione del certificato non è al momento disponibile.', nextStep: 'Riprovi tra qualche minuto: il pagamento è registrato e il rinnovo può essere completato in seguito.' },
    en: { message: 'Certificate issuance is not available right now.', nextStep: 'Try again in a few minutes: the payment is recorded and the renewal can be completed later.' },
  },
  IDEMPOTENCY_KEY_REUSED: {
    class: 'internal',
    actions: ['support-bundle'],
    it: { message: 'Il programma ha riusato un identificativo di operazione per una richiesta diversa.', nextStep: helpdesk.it },
    en: { message: 'The program reused an operation identifier for a different request.', nextStep: helpdesk.en },
  },
  PAYMENT_ACCOUNT_INVALID: {
    class: 'payment',
    actions: ['choose-payment'],
    it: { message: 'L\'account[ {method}] per il pagamento non risulta valido: User-ID o password errati.', nextStep: 'Controlli le credenziali[ {method}] e riprovi, oppure scelga un altro metodo di pagamento.' },
    en: { message: 'The[ {method}] payment account is not valid: wrong User-ID or password.', nextStep: 'Check your[ {method}] credentials and try again, or choose another payment method.' },
  },
  PAYMENT_INSUFFICIENT_FUNDS: {
    class: 'payment',
    actions: ['choose-payment'],
    it: { message: 'Fondi insufficienti[ sul conto {account}][: servono {requiredCents}, disponibili {availableCents}][; sul conto {secondAccount} servono {secondRequiredCents}, disponibili {secondAvailableCents}].', nextStep: 'Ricarichi il prepagato TelemacoPay oppure scelga il pagamento con carta di credito.' },
    en: { message: 'Insufficient funds[ on the {account} account][: {requiredCents} needed, {availableCents} available][; on the {secondAccount} account {secondRequiredCents} needed, {secondAvailableCents} available].', nextStep: 'Top up the TelemacoPay prepaid account or pay by credit card.' },
  },
  PAYMENT_NOT_REQUIRED: {
    class: 'payment',
    actions: ['resume'],
    it: { message: 'Il rinnovo di un certificato scelto è ora gratuito: non le viene addebitato.', nextStep: 'Prosegua: se resta qualcosa da pagare, l\'importo mostrato ora è solo quello; il resto si rinnova senza pagamento.' },
    en: { message: 'Renewing one of the chosen certificates is now free: you are not charged for it.', nextStep: 'Go on: if anything is left to pay, the amount now shown is only that; the rest is renewed without payment.' },
  },
  PAYMENT_PRICE_CHANGED: {
    class: 'payment',
    // Nothing was paid: nothing to resume. The amount shown beside it is the one to pay.
    actions: [],
    it: { message: 'Il prezzo di un certificato scelto è cambiato dopo che le è stato mostrato[: ora {askedCents} invece di {shownCents}]. Non è stato trattenuto nulla.', nextStep: 'Controlli l\'importo mostrato ora: per rinnovare a questo prezzo, proceda con il pagamento.' },
    en: { message: 'The price of a chosen certificate changed after you were shown it[: now {askedCents} instead of {shownCents}]. Nothing was held.', nextStep: 'Check the amount now shown: to renew at this price, go on and pay it.' },
  },
  CERTIFICATE_ALREADY_PAID: {
    class: 'payment',
    actions: ['resume'],
    it: { message: 'Il certificato risulta già pagato: non le viene addebitato di nuovo.', nextStep: 'Prosegua: se resta qualcosa da pagare, l\'importo mostrato ora è solo quello; il programma completa il rinnovo già pagato.' },
    en: { message: 'The certificate is already paid for: you are not charged again.', nextStep: 'Go on: if anything is left to pay, the amount now shown is only that; the program completes the renewal already paid.' },
  },
  PAYMENT_NOT_FOUND: {
    class: 'payment',
    actions: ['choose-payment'],
    it: { message: 'Il servizio non trova il pagamento avviato.', nextStep: `Scelga di nuovo il metodo di pagamento. ${helpdesk.it}` },
    en: { message: 'The service cannot find the payment that was started.', nextStep: `Choose the payment method again. ${helpdesk.en}` },
  },
} as const satisfies Record<string, CatalogueEntry>;

/** Codes for failures reaching the service, raised by the client (never sent by the service). */
const serviceTransportErrors = {
  SERVICE_UNREACHABLE: {
    class: 'network',
    actions: ['retry', 'proxy-settings'],
    it: { message: 'Il servizio di rinnovo non è raggiungibile: la postazione non accede a internet o un proxy blocca la connessione.', nextStep: 'Verifichi la connessione e le impostazioni del proxy, poi riprovi.' },
    en: { message: 'The renewal service cannot be reached: this computer has no internet access or a proxy blocks the connection.', nextStep: 'Check the connection and the proxy settings, then try again.' },
  },
  SERVICE_TIMEOUT: {
    class: 'network',
    actions: ['retry', 'proxy-settings'],
    it: { message: 'Il servizio di rinnovo non ha risposto in tempo.', nextStep: 'Riprovi tra qualche minuto: nessuna operazione già completata va persa.' },
    en: { message: 'The renewal service did not answer in time.', nextStep: 'Try again in a few minutes: nothing already completed is lost.' },
  },
  SERVICE_UNAVAILABLE: {
    class: 'service',
    actions: ['retry'],
    it: { message: 'Il servizio di rinnovo non è al momento disponibile.', nextStep: 'Riprovi più tardi: nessuna operazione già completata va persa.' },
    en: { message: 'The renewal service is not available right now.', nextStep: 'Try again later: nothing already completed is lost.' },
  },
  SERVICE_TLS_UNTRUSTED: {
    class: 'network',
    actions: ['proxy-settings', 'support-bundle'],
    it: { message: 'La connessione sicura al servizio di rinnovo non è attendibile: il certificato presentato non è quello del servizio.', nextStep: 'Un proxy o un antivirus potrebbe intercettare la connessione: verifichi con il suo amministratore di rete.' },
    en: { message: 'The secure connection to the renewal service is not trusted: the certificate presented is not the service\'s.', nextStep: 'A proxy or antivirus may be intercepting the connection: check with your network administrator.' },
  },
  SERVICE_PROXY_AUTH_REQUIRED: {
    class: 'network',
    actions: ['proxy-settings'],
    it: { message: 'Il proxy richiede nome utente e password, oppure quelli inseriti non sono corretti.', nextStep: 'Inserisca le credenziali del proxy nelle impostazioni e riprovi.' },
    en: { message: 'The proxy requires a user name and password, or the ones entered are wrong.', nextStep: 'Enter the proxy credentials in the settings and try again.' },
  },
  SERVICE_PROTOCOL_ERROR: {
    class: 'service',
    actions: ['get-update', 'support-bundle'],
    it: { message: 'Il servizio di rinnovo ha dato una risposta che il programma non comprende.', nextStep: `Aggiorni il programma all'ultima versione. ${helpdesk.it}` },
    en: { message: 'The renewal service gave an answer the program does not understand.', nextStep: `Update the program to the latest version. ${helpdesk.en}` },
  },
} as const satisfies Record<string, CatalogueEntry>;

export const serviceErrors = { ...serviceRefusalErrors, ...serviceTransportErrors } as const;

/**
 * The codes a service's refusal may carry: its own (and NOTHING_TO_RENEW). Any other code in an
 * answer — a client-side one (PIN_LOCKED), INTERNAL_ERROR — is not the service's to give: the
 * answer is judged by its status instead.
 */
export const serviceRefusalCodes: ReadonlySet<string> = new Set([...Object.keys(serviceRefusalErrors), 'NOTHING_TO_RENEW']);
