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

const phrases = {
  it: {
    checking: 'Verifiche iniziali in corso…',
    noDevice: 'Nessun dispositivo rilevato.',
    resume: (kinds: string) => `Rinnovo interrotto da completare (${kinds}).`,
    pin: (label: string, state: string) => `Dispositivo «${label}» inserito; stato del PIN: ${state}.`,
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
  },
  en: {
    checking: 'Running start-up checks…',
    noDevice: 'No device found.',
    resume: (kinds: string) => `An interrupted renewal is waiting to be finished (${kinds}).`,
    pin: (label: string, state: string) => `Device “${label}” inserted; PIN status: ${state}.`,
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
  },
} as const;

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
      return [p.pin(state.device.label, state.pin.state), state.error ? describeWireError(state.error, locale) : ''].filter(Boolean).join('\n');
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
