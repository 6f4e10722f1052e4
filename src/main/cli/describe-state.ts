/**
 * The flow's state in words for the terminal, in the helpdesk operator's language.
 *
 * Error texts come from the shared catalogue, like the renderer's; the few CLI-only phrases are
 * kept here in both languages.
 */
import type { WireError } from '../../shared/contract/define.js';
import type { FlowState } from '../../shared/contract/flow-contract.js';
import type { Locale } from '../../shared/errors/catalogue-entry.js';
import { describeError } from '../../shared/errors/catalogue.js';
import type { UnfinishedRenewal } from '../renewal/unfinished-renewal.js';

const phrases = {
  it: {
    checking: 'Verifiche iniziali in corso…',
    noDevice: 'Nessun dispositivo rilevato.',
    resume: (kinds: string) => `Rinnovo interrotto da completare (${kinds}).`,
    pin: (label: string, state: string) => `Dispositivo «${label}» inserito; PIN: ${state}.`,
    pinStates: { ok: 'nessun tentativo errato', 'count-low': 'già inserito un PIN errato', 'final-try': 'rimane un solo tentativo', locked: 'bloccato (serve il PUK)' },
    slot: (current: number, of: number, label: string) => `PIN ${current} di ${of}, sezione «${label}».`,
    reading: 'Lettura dei certificati…',
    renewable: 'rinnovabile',
    planTotal: (euros: string, until: string) => `Totale ${euros}; i nuovi certificati scadranno il ${until}.`,
    removeOldFirst: 'Attenzione: il dispositivo non ha spazio per due coppie di chiavi; le chiavi vecchie saranno rimosse prima di generare le nuove.',
    payment: 'In attesa del pagamento.',
    checkout: (url: string) => `Completi il pagamento in questa pagina: ${url}`,
    paid: 'Pagamento effettuato.',
    renewing: (current: number, total: number, kind: string, phase: string) => `Certificato ${current} di ${total} (${kind}): ${phase}. Non rimuova il dispositivo.`,
    done: 'Memorizzazione completata – Rinnovo del certificato completato.',
    kinds: { signature: 'sottoscrizione', cns: 'CNS' },
    phases: {
      'generating-key': 'generazione delle nuove chiavi sul dispositivo',
      'requesting-certificate': 'richiesta del certificato rinnovato',
      'writing-certificate': 'scarico del certificato sul dispositivo',
      verifying: 'verifica del nuovo certificato',
      'removing-old': 'rimozione del certificato precedente',
    },
    whatToDo: 'Cosa fare',
    unfinished: (id: string, date: string) => `Rinnovo ${id} iniziato il ${date}, non completato:`,
    serviceSilent: 'Il servizio non ha risposto: lo stato presso il servizio non è noto.',
    journalPhase: {
      planned: 'da iniziare',
      'old-removed-first': 'chiavi vecchie rimosse, nuove da generare',
      'generating-key': 'generazione delle nuove chiavi',
      'csr-submitted': 'richiesta inoltrata al servizio',
      issued: 'certificato ricevuto e verificato, da scrivere sul dispositivo',
      written: 'certificato scritto, da verificare',
      verified: 'nuova coppia verificata, vecchia da rimuovere',
      completed: 'rinnovato',
      rejected: 'certificato ricevuto rifiutato (non scritto)',
    },
    serviceProgress: {
      open: 'non pagato',
      requested: 'richiesta inoltrata, pagamento con carta da completare',
      paid: 'pagato (importo trattenuto)',
      issued: 'emesso (importo addebitato), da scaricare',
      downloaded: 'scaricato sul dispositivo',
      released: 'importo rilasciato, non addebitato',
    },
    onThisComputer: 'su questo computer',
    atService: 'presso il servizio',
  },
  en: {
    checking: 'Running start-up checks…',
    noDevice: 'No device found.',
    resume: (kinds: string) => `An interrupted renewal is waiting to be finished (${kinds}).`,
    pin: (label: string, state: string) => `Device “${label}” inserted; PIN: ${state}.`,
    pinStates: { ok: 'no wrong tries', 'count-low': 'a wrong PIN was already entered', 'final-try': 'only one try left', locked: 'locked (the PUK is needed)' },
    slot: (current: number, of: number, label: string) => `PIN ${current} of ${of}, section “${label}”.`,
    reading: 'Reading the certificates…',
    renewable: 'renewable',
    planTotal: (euros: string, until: string) => `Total ${euros}; the new certificates will expire on ${until}.`,
    removeOldFirst: 'Warning: the device has no room for two key pairs; the old keys will be removed before the new ones are generated.',
    payment: 'Waiting for payment.',
    checkout: (url: string) => `Complete the payment on this page: ${url}`,
    paid: 'Payment made.',
    renewing: (current: number, total: number, kind: string, phase: string) => `Certificate ${current} of ${total} (${kind}): ${phase}. Do not remove the device.`,
    done: 'Storage completed – certificate renewal completed.',
    kinds: { signature: 'signature', cns: 'CNS' },
    phases: {
      'generating-key': 'generating the new keys on the device',
      'requesting-certificate': 'requesting the renewed certificate',
      'writing-certificate': 'storing the certificate on the device',
      verifying: 'checking the new certificate',
      'removing-old': 'removing the previous certificate',
    },
    whatToDo: 'What to do',
    unfinished: (id: string, date: string) => `Renewal ${id} started on ${date}, not completed:`,
    serviceSilent: 'The service did not answer: its side is not known.',
    journalPhase: {
      planned: 'not started',
      'old-removed-first': 'old keys removed, new ones to generate',
      'generating-key': 'generating the new keys',
      'csr-submitted': 'request sent to the service',
      issued: 'certificate received and checked, to be stored on the device',
      written: 'certificate stored, to be checked',
      verified: 'new pair checked, old one to be removed',
      completed: 'renewed',
      rejected: 'certificate received and refused (not stored)',
    },
    serviceProgress: {
      open: 'not paid',
      requested: 'request sent, card payment to be completed',
      paid: 'paid (amount held)',
      issued: 'issued (amount charged), to be downloaded',
      downloaded: 'stored on the device',
      released: 'amount released, not charged',
    },
    onThisComputer: 'on this computer',
    atService: 'at the service',
  },
} as const;

/** `status`: an unfinished renewal, certificate by certificate, this computer's side and the service's. */
export function describeUnfinished(unfinished: UnfinishedRenewal, locale: Locale): string {
  const p = phrases[locale];
  const date = new Intl.DateTimeFormat(locale === 'it' ? 'it-IT' : 'en-GB', { dateStyle: 'long' }).format(new Date(unfinished.startedAt));
  const lines = [p.unfinished(unfinished.renewalId, date)];
  for (const entry of unfinished.certificates) {
    const service = entry.service ? `; ${p.atService}: ${p.serviceProgress[entry.service]}` : '';
    lines.push(`- ${p.kinds[entry.kind]}: ${p.onThisComputer}: ${p.journalPhase[entry.phase]}${service}`);
  }
  if (!unfinished.serviceAnswered) lines.push(p.serviceSilent);
  return lines.join('\n');
}

export function describeWireError(error: WireError, locale: Locale): string {
  const text = describeError(error.code, locale, error.detail);
  return `${text.message}\n  ${phrases[locale].whatToDo}: ${text.nextStep}\n  [${error.code}]`;
}

export function describeState(state: FlowState, locale: Locale): string {
  const p = phrases[locale];
  const date = (iso: string) => new Intl.DateTimeFormat(locale === 'it' ? 'it-IT' : 'en-GB', { dateStyle: 'long' }).format(new Date(iso));
  const euros = (cents: number) => new Intl.NumberFormat(locale === 'it' ? 'it-IT' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);
  switch (state.step) {
    case 'welcome':
    case 'checking':
      return p.checking;
    case 'blocked':
      return describeWireError(state.error, locale);
    case 'no-device':
      return state.error ? describeWireError(state.error, locale) : p.noDevice;
    case 'resume-offered':
      return p.resume(state.remaining.map((kind) => p.kinds[kind]).join(', '));
    case 'pin':
      return [
        p.pin(state.device.label, p.pinStates[state.pin.state]),
        state.position.of > 1 ? p.slot(state.position.current, state.position.of, state.slot.label) : '',
        state.notice ? describeWireError(state.notice, locale) : '',
        state.error ? describeWireError(state.error, locale) : '',
      ]
        .filter(Boolean)
        .join('\n');
    case 'reading':
      return p.reading;
    case 'certificates': {
      const lines = state.certificates.map(({ certificate, verdict }) => {
        const status = verdict.status === 'renewable' ? p.renewable : describeError(verdict.reason, locale).message;
        return `- ${p.kinds[certificate.kind]} ${certificate.certificateSerial} (${certificate.holderName}, ${date(certificate.notAfter)}): ${status}`;
      });
      if (state.plan) {
        lines.push(p.planTotal(euros(state.plan.totalCents), date(state.plan.newNotAfter)));
        if (state.plan.removeOldFirst) lines.push(p.removeOldFirst);
      }
      if (state.error) lines.push(describeWireError(state.error, locale));
      return lines.join('\n');
    }
    case 'payment':
      return [p.payment, state.card ? p.checkout(state.card.checkoutUrl) : '', state.error ? describeWireError(state.error, locale) : ''].filter(Boolean).join('\n');
    case 'paid':
      return p.paid;
    case 'renewing':
      return p.renewing(state.progress.current, state.progress.total, p.kinds[state.progress.kind], p.phases[state.progress.phase]);
    case 'done':
      return [p.done, ...state.renewed.map((entry) => `- ${p.kinds[entry.kind]}: ${date(entry.notAfter)}`)].join('\n');
    case 'failed':
      return describeWireError(state.error, locale);
  }
}
