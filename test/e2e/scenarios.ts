/**
 * Every lab scenario the browser can reach, each ending on its expected screen and message;
 * a screenshot of each goes to test-output/screenshots/ (with RINNOVO_SCREENSHOTS=1, as `npm run
 * test:e2e` sets it) and axe checks what the holder sees.
 *
 * scenarios-1/2/3.e2e.test.ts share the catalogue, each in its test worker's Chromium, so both cores work.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { findScenario, type ScenarioDefinition } from '../../softhsm/scenarios/scenario-catalogue.js';
import { describeError, errorCatalogue, type ErrorCode } from '../../src/shared/errors/catalogue.js';
import { seriousViolations } from './support/axe.js';
import { chromiumForThisFile, leaveApp, reusedWindow } from './support/app-in-chromium.js';
import { browserTestOptions, saveScreenshot } from './support/chromium.js';
import { startScenarioApp, type ScenarioApp } from './support/scenario-app.js';

const heading = (page: Page) => page.locator('h2.screen-heading').textContent();

/** Refusals of the certificates themselves: each certificate says its own reason and remedy. */
const ownRemedies: Readonly<Record<string, ErrorCode>> = {
  suspended: 'CERTIFICATE_SUSPENDED',
  revoked: 'CERTIFICATE_REVOKED',
  expired: 'CERTIFICATE_EXPIRED',
  'already-renewed': 'CERTIFICATE_ALREADY_RENEWED',
  'cns-six-year-limit': 'CNS_SIX_YEAR_LIMIT',
  'too-early': 'CERTIFICATE_TOO_EARLY',
};

async function payOnBank(browser: Browser, page: Page, button: 'Paga' | 'Annulla' | 'Simula errore' | undefined): Promise<void> {
  await page.getByRole('radio', { name: 'Carta di credito' }).check();
  await page.getByRole('button', { name: 'Avvia' }).click();
  const link = page.getByTestId('checkout-link');
  await expect.poll(() => link.count()).toBe(1);
  if (!button) return;
  const bankContext = await browser.newContext({ ignoreHTTPSErrors: true });
  const bank = await bankContext.newPage();
  await bank.goto((await link.getAttribute('href')) ?? '');
  await bank.getByRole('button', { name: button }).click();
  await bankContext.close();
}

/**
 * How long the app waits for the bank's answer: the pending card's whole wait is part of the
 * test, so it is short; where the bank's button is pressed the wait ends with the press, and a
 * long budget keeps a busy machine (a slow bank page) from turning it into "pending".
 */
function cardWaitSeconds(definition: ScenarioDefinition): string {
  return definition.payment.method === 'card' && definition.payment.outcome === 'pending' ? '3' : '60';
}

/** Drives the app as far as the scenario lets the holder go. */
async function walk(browser: Browser, page: Page, scenario: ScenarioApp): Promise<void> {
  const definition = scenario.lab.scenario;
  await page.goto(scenario.app.entryUrl());
  await expect.poll(() => heading(page), { timeout: 20_000 }).not.toBe('Verifiche iniziali');
  if ((await heading(page)) !== 'Sblocchi il dispositivo') return;
  // A card on its last try or locked: what matters is what the PIN screen says before any login.
  if (definition.simulator.wrongPinsSoFar) return;
  // A reader with a PIN pad: no PIN field, the holder presses «Sblocca» and types it on the reader (the simulator does).
  if (definition.simulator.pinPad) expect(await page.getByLabel('PIN').count()).toBe(0);
  else await page.getByLabel('PIN').fill(scenario.lab.pin);
  await page.getByRole('button', { name: 'Sblocca' }).click();
  if (definition.pinIsWrong) {
    await expect.poll(() => page.locator('.error-code').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    return;
  }
  // A device whose signature slot keeps its own login asks for that PIN next, saying so.
  if (definition.token === 'two-slot' || definition.token === 'two-pin') {
    await expect.poll(() => page.getByText(/^PIN 2 di 2/).count(), { timeout: 20_000 }).toBe(1);
    await saveScreenshot(page, `scenario-${definition.name}-second-pin`);
    await page.getByLabel('PIN').fill(scenario.lab.signaturePin);
    await page.getByRole('button', { name: 'Sblocca' }).click();
  }
  await expect.poll(() => heading(page), { timeout: 20_000 }).not.toMatch(/Lettura|Sblocchi/);
  const proceed = page.getByRole('button', { name: 'Procedi' });
  if ((await proceed.count()) === 0) return;
  await proceed.click();
  await expect.poll(() => heading(page)).toMatch(/Pagamento|Rinnovo gratuito|Rinnovo già pagato/);
  if ((await heading(page)) === 'Pagamento') {
    const payment = definition.payment;
    if (payment.method === 'card') {
      await payOnBank(browser, page, { pay: 'Paga', cancel: 'Annulla', fail: 'Simula errore', pending: undefined }[payment.outcome] as 'Paga' | undefined);
    } else {
      await page.getByRole('radio', { name: payment.method === 'iconto' ? 'Iconto' : 'Telemaco' }).check();
      await page.getByLabel('User-ID').fill(scenario.lab.account.userId);
      await page.getByLabel('Password').fill(scenario.lab.account.password);
      await page.getByRole('button', { name: /^Paga/ }).click();
    }
    await expect.poll(async () => (await heading(page)) !== 'Pagamento' || (await page.locator('.error-code').count()) > 0, { timeout: 20_000 }).toBe(true);
    if ((await heading(page)) === 'Pagamento') return;
  }
  await page.getByRole('button', { name: 'Rinnova ora' }).click();
  await expect.poll(() => heading(page), { timeout: 60_000 }).not.toMatch(/Rinnovo in corso|Pagamento effettuato|Rinnovo gratuito|Rinnovo già pagato/);
}

/**
 * cns-free-at-payment goes on after its notice: the payment screen now asks only the signature's
 * 25 €, which the holder pays; both certificates are renewed.
 */
async function paysTheSmallerPlan(page: Page, scenario: ScenarioApp): Promise<void> {
  await paysThePlanShown(page, scenario, /Totale[^\d]*25,00\s€/);
}

/** price-raised-at-payment goes on after its notice: the payment screen now asks 47 € (the CNS 22 €), which the holder pays; both are renewed. */
async function paysTheRaisedPlan(page: Page, scenario: ScenarioApp): Promise<void> {
  await paysThePlanShown(page, scenario, /Totale[^\d]*47,00\s€/);
}

async function paysThePlanShown(page: Page, scenario: ScenarioApp, total: RegExp): Promise<void> {
  expect(await page.locator('main').textContent()).toMatch(total);
  await page.getByLabel('Password').fill(scenario.lab.account.password);
  await page.getByRole('button', { name: /^Paga/ }).click();
  await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Pagamento effettuato');
  await page.getByRole('button', { name: 'Rinnova ora' }).click();
  await expect.poll(() => heading(page), { timeout: 60_000 }).toMatch(/^Memorizzazione completata – Rinnovo dei certificati completato$/);
}

/** Where the scenario's stop is not the end: what the holder does next, after its notice is checked. */
const goesOn: Readonly<Record<string, (page: Page, scenario: ScenarioApp) => Promise<void>>> = { 'cns-free-at-payment': paysTheSmallerPlan, 'price-raised-at-payment': paysTheRaisedPlan };

export function describeScenariosInChromium(definitions: readonly ScenarioDefinition[]): void {
  describe('every lab scenario in Chromium', browserTestOptions, () => {
    const chromium = chromiumForThisFile();

    const pinWarnings: Record<string, RegExp> = { 'pin-final-try': /rimane un solo tentativo/ };
    for (const definition of definitions) {
      it(`${definition.name}: ${definition.expected.outcome === 'renewed' ? 'renewal completed' : definition.expected.code}`, async () => {
        const scenario = await startScenarioApp(definition.name, { RINNOVO_CARD_WAIT_SECONDS: cardWaitSeconds(definition) });
        const browser = chromium();
        const page = await reusedWindow(browser);
        try {
          await walk(browser, page, scenario);
          const expected = findScenario(definition.name)?.expected;
          const pinWarning = pinWarnings[definition.name];
          if (pinWarning) {
            await expect.poll(() => page.locator('.warning').first().textContent()).toMatch(pinWarning);
            if (definition.name === 'pin-final-try') expect(await page.getByRole('checkbox').count()).toBe(1);
          } else if (expected?.outcome === 'renewed') {
            await expect.poll(() => heading(page)).toMatch(/^Memorizzazione completata – Rinnovo de(l certificato|i certificati) completato$/);
          } else if (expected) {
            await expect.poll(() => page.locator('.error-code').first().textContent(), { timeout: 15_000 }).toBe(`Codice: ${expected.code}`);
            // The catalogue's own Italian message, up to its first placeholder or optional clause (the detail fills them).
            const shown = (await page.locator('.error-message').first().textContent()) ?? '';
            expect(shown.startsWith(errorCatalogue[expected.code].it.message.split(/[{[]/)[0] ?? '')).toBe(true);
            expect(await page.locator('.error-next-step').first().textContent()).toBeTruthy();
            const own = ownRemedies[definition.name];
            if (own) {
              const hints = await page.locator('.certificate .hint').allTextContents();
              expect(hints.some((hint) => hint.includes(describeError(own, 'it').nextStep.split('{')[0] ?? ''))).toBe(true);
              const words = (await page.locator('main').textContent()) ?? '';
              expect(words).not.toMatch(/\d{4}-\d{2}-\d{2}/);
              if (own === 'CERTIFICATE_ALREADY_RENEWED') expect(words).not.toContain('nuova emissione');
            }
          }
          if (definition.pinIsWrong) expect(await page.getByLabel('PIN').inputValue()).toBe('');
          await saveScreenshot(page, `scenario-${definition.name}`);
          expect(await seriousViolations(page)).toEqual([]);
          await goesOn[definition.name]?.(page, scenario);
        } finally {
          await leaveApp(page);
          await scenario.close();
        }
      });
    }
  });
}
