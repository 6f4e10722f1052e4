/**
 * The support bundle's summary, read by the holder in the window, in the terminal and in the
 * bundle's contents.txt, names the step the last attempt stopped at as the holder knows it — the
 * screen's heading — never by the flow's internal name; facts.json keeps that one for the lab.
 */
import { describe, expect, it } from 'vitest';
import type { FlowStep } from '../../../src/shared/contract/flow-contract.js';
import { en } from '../../../src/shared/i18n/en.js';
import { it as italian } from '../../../src/shared/i18n/it.js';
import { bundleFactsFormat, type BundleFacts, type FlowOutcome } from '../../../src/shared/support-bundle/bundle-facts.js';
import { summarizeBundle } from '../../../src/shared/support-bundle/bundle-summary.js';
import type { ErrorCode } from '../../../src/shared/errors/catalogue.js';

const at = '2026-11-20T09:00:00.000Z';

function factsAt(step: string, code: ErrorCode | null = null): BundleFacts {
  const outcome: FlowOutcome = { step, error: code ? { code, detail: {} } : null, pin: null, certificates: [], removeOldFirst: null, paymentMethod: null, notRenewed: [], notice: null, at };
  return {
    format: bundleFactsFormat,
    createdAt: at,
    tool: { version: '1.0.0', platform: 'win32' },
    holder: { identity: 'pseudonymised' },
    module: { status: 'loaded', file: 'bit4xpki.dll', manufacturer: 'bit4id', description: 'bit4id PKCS#11', version: '1.4' },
    tokens: [],
    network: { route: 'direct', source: 'none', proxyAuthenticated: false, extraCa: false },
    outcome,
    journal: { phase: 'none', certificates: [] },
  };
}

const stoppedAt = (facts: BundleFacts, locale: 'it' | 'en') => summarizeBundle(facts, locale).find((line) => line.startsWith(locale === 'it' ? "- dove si è fermato l'ultimo tentativo:" : '- where the last attempt stopped:'));

/** Every step of the flow: a step added to FlowState without a name here fails to compile. */
const everyStep: Record<FlowStep, true> = {
  welcome: true,
  checking: true,
  blocked: true,
  'no-device': true,
  'resume-offered': true,
  pin: true,
  reading: true,
  certificates: true,
  payment: true,
  paid: true,
  renewing: true,
  done: true,
  failed: true,
};

describe('where the last attempt stopped, in the summary', () => {
  it('names the certificate list by its heading, not as «certificates»', () => {
    const line = stoppedAt(factsAt('certificates', 'DEVICE_SINGLE_CERTIFICATE'), 'it');
    expect(line).toContain(`passo «${italian['certificates.heading']}»`);
    expect(line).toContain('Certificati sul dispositivo');
    expect(line).not.toContain('«certificates»');
    expect(stoppedAt(factsAt('certificates', 'DEVICE_SINGLE_CERTIFICATE'), 'en')).toContain(`step "${en['certificates.heading']}"`);
  });

  it('names every step in words of the holder’s language, in Italian and in English', () => {
    for (const step of Object.keys(everyStep)) {
      const italianLine = stoppedAt(factsAt(step), 'it');
      const englishLine = stoppedAt(factsAt(step), 'en');
      expect(italianLine, step).toMatch(/passo «[^»]+»/);
      expect(italianLine, step).not.toContain(`«${step}»`);
      expect(englishLine, step).not.toContain(`"${step}"`);
      const [, name] = /passo «([^»]+)»/.exec(italianLine ?? '') ?? [];
      expect(Object.values(italian), step).toContain(name);
    }
  });

  it('names the no-device screen by what it says is missing, as the window does', () => {
    expect(stoppedAt(factsAt('no-device', 'DEVICE_SOFTWARE_NOT_FOUND'), 'it')).toContain(`«${italian['noDevice.headingNoSoftware']}»`);
    expect(stoppedAt(factsAt('no-device', 'DEVICE_NO_READER'), 'it')).toContain(`«${italian['noDevice.headingNoReader']}»`);
    expect(stoppedAt(factsAt('no-device', 'DEVICE_NOT_FOUND'), 'it')).toContain(`«${italian['noDevice.heading']}»`);
  });

  it('keeps a step this version does not know as recorded, rather than nothing', () => {
    expect(stoppedAt(factsAt('a-step-from-a-newer-version'), 'it')).toContain('«a-step-from-a-newer-version»');
  });
});
