/**
 * Errors of the network path to the service: no internet, a proxy that is needed, refuses the
 * credentials or cannot be reached, and the tool's own update download.
 *
 * The start-up check and "Test Proxy" report these; the codes that also fit any service call
 * (unreachable, timeout, untrusted TLS, proxy asking for credentials) stay in the service
 * catalogue. Wording follows the original guide ("La postazione non accede ad internet").
 */
import type { CatalogueEntry } from './catalogue-entry.js';

export const networkErrors = {
  NETWORK_OFFLINE: {
    class: 'network',
    actions: ['retry', 'proxy-settings'],
    it: {
      message: 'La postazione non accede ad internet: il servizio di rinnovo non si trova sulla rete o la rete non è raggiungibile.',
      nextStep: 'Verifichi il collegamento alla rete e riprovi. Se in ufficio si esce su internet tramite un proxy, usi «Configura Proxy».',
    },
    en: {
      message: 'This computer has no internet access: the renewal service cannot be found on the network, or the network cannot be reached.',
      nextStep: 'Check the network connection and try again. If your office reaches the internet through a proxy, use "Configure proxy".',
    },
  },
  NETWORK_PROXY_REQUIRED: {
    class: 'network',
    actions: ['proxy-settings', 'retry'],
    it: {
      message: 'La rete della postazione interrompe la connessione diretta al servizio di rinnovo e non è stato trovato un proxy da usare.',
      nextStep: 'Usi «Configura Proxy» per inserire indirizzo e porta del proxy (e, se richiesti, nome utente e password), poi «Test Proxy» e «Salva». I dati del proxy li fornisce l\'amministratore di rete.',
    },
    en: {
      message: 'The network cuts the direct connection to the renewal service, and no proxy to use was found.',
      nextStep: 'Use "Configure proxy" to enter the proxy address and port (and user name and password, if needed), then "Test proxy" and "Save". Your network administrator has the proxy details.',
    },
  },
  NETWORK_PROXY_CREDENTIALS_REFUSED: {
    class: 'network',
    actions: ['proxy-settings'],
    it: {
      message: 'Il proxy {proxy} ha rifiutato il nome utente e la password inseriti.',
      nextStep: 'Controlli nome utente e password del proxy (attenzione a maiuscole e minuscole) nelle impostazioni del proxy e riprovi.',
    },
    en: {
      message: 'The proxy {proxy} refused the user name and password entered.',
      nextStep: 'Check the proxy user name and password (they are case-sensitive) in the proxy settings and try again.',
    },
  },
  NETWORK_PROXY_UNREACHABLE: {
    class: 'network',
    actions: ['proxy-settings', 'retry'],
    it: {
      message: 'Il proxy {proxy} non risponde.',
      nextStep: 'Verifichi indirizzo e porta del proxy nelle impostazioni; se sono corretti, verifichi con l\'amministratore di rete che il proxy sia attivo.',
    },
    en: {
      message: 'The proxy {proxy} does not answer.',
      nextStep: 'Check the proxy address and port in the settings; if they are right, ask your network administrator whether the proxy is running.',
    },
  },
  NETWORK_PROXY_BLOCKED: {
    class: 'network',
    actions: ['proxy-settings', 'support-bundle'],
    it: {
      message: 'Il proxy {proxy} non inoltra la connessione al servizio di rinnovo.',
      nextStep: 'Chieda all\'amministratore di rete di consentire l\'accesso al servizio di rinnovo attraverso il proxy.',
    },
    en: {
      message: 'The proxy {proxy} does not forward the connection to the renewal service.',
      nextStep: 'Ask your network administrator to allow the renewal service through the proxy.',
    },
  },
  NETWORK_PROXY_SETTINGS_INVALID: {
    class: 'input',
    actions: ['proxy-settings'],
    it: {
      message: 'Le impostazioni del proxy non sono valide.',
      nextStep: 'Inserisca il nome o l\'indirizzo del proxy e una porta tra 1 e 65535; nome utente e password solo se il proxy li richiede.',
    },
    en: {
      message: 'The proxy settings are not valid.',
      nextStep: 'Enter the proxy name or address and a port between 1 and 65535; a user name and password only if the proxy asks for them.',
    },
  },
  UPDATE_INSTALL_UNAVAILABLE: {
    class: 'update',
    actions: ['get-update'],
    it: {
      message: 'Da qui il programma non può scaricare e installare la nuova versione.',
      nextStep: 'Scarichi l\'ultima versione dal sito www.card.infocamere.it e la installi.',
    },
    en: {
      message: 'The program cannot download and install the new version from here.',
      nextStep: 'Download the latest version from www.card.infocamere.it and install it.',
    },
  },
  UPDATE_NOT_DOWNLOADED: {
    class: 'update',
    actions: ['get-update'],
    it: {
      message: 'La nuova versione non è ancora stata scaricata completamente.',
      nextStep: 'Attenda la fine dello scaricamento, poi scelga di nuovo «Installa e riavvia».',
    },
    en: {
      message: 'The new version has not finished downloading yet.',
      nextStep: 'Wait until the download completes, then choose "Install and restart" again.',
    },
  },
  UPDATE_DOWNLOAD_FAILED: {
    class: 'update',
    actions: ['retry', 'get-update'],
    it: {
      message: 'Lo scaricamento della nuova versione non è riuscito.',
      nextStep: 'Riprovi; se non riesce, scarichi l\'ultima versione dal sito www.card.infocamere.it.',
    },
    en: {
      message: 'Downloading the new version failed.',
      nextStep: 'Try again; if it still fails, download the latest version from www.card.infocamere.it.',
    },
  },
} as const satisfies Record<string, CatalogueEntry>;
