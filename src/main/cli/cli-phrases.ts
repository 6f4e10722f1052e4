/**
 * What only the terminal says: answers of commands no screen has (`status`, `resume` with nothing
 * to resume, `support-bundle`) and the terminal's way to do what the window does with a button
 * (the proxy). Everything the window also says comes from the shared catalogues (describe-state.ts).
 */
import type { PinStatus } from '../../shared/contract/flow-contract.js';
import type { Locale } from '../../shared/errors/catalogue-entry.js';

interface CliPhrases {
  readonly bundleWritten: (path: string) => string;
  readonly bundleNext: string;
  readonly nothingToResume: string;
  /** After a damaged journal was set aside: what goes on from the service's record. */
  readonly damagedThenRenew: string;
  readonly noUnfinished: string;
  readonly device: (label: string, manufacturer: string, serial: string) => string;
  readonly pinState: Record<PinStatus['state'], string>;
  readonly pinPad: string;
  readonly payFirst: string;
  readonly proxyOnTerminal: string;
  /** The window's «Riprova» and «Completa il rinnovo» buttons, as the terminal does them. */
  readonly retryOnTerminal: string;
  readonly resumeOnTerminal: string;
  /** Where a resume stops asking to pay again (a hold let go): how to pay from the terminal. */
  readonly payAgainOnTerminal: string;
  readonly certificatesIntro: string;
}

const phrases: Record<Locale, CliPhrases> = {
  it: {
    bundleWritten: (path) => `Pacchetto di supporto salvato in: ${path}`,
    bundleNext: 'Lo invii all\'assistenza: contiene versioni, stato del dispositivo, certificati, rinnovi e registro, mai il PIN né le password.',
    nothingToResume: 'Nessun rinnovo interrotto da completare su questo computer: per rinnovare usi «rinnovo-cns renew».',
    damagedThenRenew: 'Per proseguire usi «rinnovo-cns renew»: i certificati già pagati risultano pagati e non vengono addebitati di nuovo.',
    noUnfinished: 'Nessun rinnovo interrotto.',
    device: (label, manufacturer, serial) => `Dispositivo: ${label} (${manufacturer}, numero di serie ${serial})`,
    pinState: {
      ok: 'PIN: nessun tentativo errato segnalato dal dispositivo.',
      'count-low': 'PIN: è già stato inserito un PIN errato; dopo tre errori il PIN si blocca.',
      'final-try': 'PIN: rimane un solo tentativo; per usarlo serve --confirm-final-try.',
      // The PUK is on the scratchcard, as the window and the guide say (pin.locked, PIN_LOCKED).
      locked: 'PIN: bloccato; lo sblocchi con il PUK, stampato sulla scratchcard consegnata con il dispositivo, usando il software di firma.',
    },
    pinPad: 'Il lettore ha una tastiera per il PIN: usi --pin-pad.',
    payFirst: 'Il PIN non è stato chiesto e nulla è cambiato.',
    proxyOnTerminal: 'Dal terminale: --proxy http://indirizzo:porta, oppure le variabili HTTPS_PROXY (con nome utente e password nell\'indirizzo, se il proxy li chiede) e NO_PROXY.',
    retryOnTerminal: 'Dal terminale, «Riprova» è eseguire di nuovo lo stesso comando.',
    resumeOnTerminal: 'Dal terminale: rinnovo-cns resume.',
    payAgainOnTerminal: 'Dal terminale, per pagare: rinnovo-cns resume --pay telemaco|iconto --user <identificativo>, oppure --pay card; se risponde che non c\'è nulla da riprendere, lo stesso comando con renew al posto di resume.',
    certificatesIntro: 'Certificati sul dispositivo:',
  },
  en: {
    bundleWritten: (path) => `Support bundle saved in: ${path}`,
    bundleNext: 'Send it to the helpdesk: it holds versions, device state, certificates, renewals and the log, never the PIN or passwords.',
    nothingToResume: 'No interrupted renewal to finish on this computer: to renew, use "rinnovo-cns renew".',
    damagedThenRenew: 'To go on, use "rinnovo-cns renew": certificates already paid show as paid and are not charged again.',
    noUnfinished: 'No interrupted renewal.',
    device: (label, manufacturer, serial) => `Device: ${label} (${manufacturer}, serial number ${serial})`,
    pinState: {
      ok: 'PIN: the device reports no wrong try.',
      'count-low': 'PIN: a wrong PIN was already entered; after three mistakes the PIN is locked.',
      'final-try': 'PIN: only one try is left; using it needs --confirm-final-try.',
      locked: 'PIN: locked; unlock it with the PUK, printed on the scratchcard delivered with the device, using the signing software.',
    },
    pinPad: 'The reader has a PIN pad: use --pin-pad.',
    payFirst: 'The PIN was not asked and nothing changed.',
    proxyOnTerminal: 'From the terminal: --proxy http://address:port, or the variables HTTPS_PROXY (with user name and password in the address, if the proxy asks for them) and NO_PROXY.',
    retryOnTerminal: 'From the terminal, “Try again” means running the same command again.',
    resumeOnTerminal: 'From the terminal: rinnovo-cns resume.',
    payAgainOnTerminal: 'From the terminal, to pay: rinnovo-cns resume --pay telemaco|iconto --user <account id>, or --pay card; if it answers there is nothing to resume, the same command with renew instead of resume.',
    certificatesIntro: 'Certificates on the device:',
  },
};

export function cliPhrases(locale: Locale): CliPhrases {
  return phrases[locale];
}
