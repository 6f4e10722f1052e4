import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { seriousViolations } from './support/axe.js';
import { launchChromium, saveScreenshot } from './support/chromium.js';
import { tabTo } from './support/keyboard.js';
import { startScenarioApp } from './support/scenario-app.js';

async function heading(page: Page): Promise<string> {
  return (await page.locator('h2.screen-heading').textContent()) ?? '';
}

describe('the renewable scenario in Chromium, keyboard only, paid by card', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('goes from the start checks to "Rinnovo del certificato completato", and every screen passes axe', async () => {
    const scenario = await startScenarioApp('renewable-card');
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      const check = async (name: string) => {
        await saveScreenshot(page, `walk-${name}`);
        for (const violation of await seriousViolations(page)) violations.push(`${name}: ${violation.id} ${violation.targets.join(', ')}`);
      };
      await page.goto(scenario.app.entryUrl());

      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Sblocchi il dispositivo');
      await check('pin');
      await tabTo(page, /^PIN/);
      await page.keyboard.type(scenario.lab.pin);
      await page.keyboard.press('Enter');

      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Certificati sul dispositivo');
      expect(await page.locator('.verdict.ok').count()).toBe(2);
      expect(await page.locator('.plan').textContent()).toContain('scadranno il');
      await check('certificates');
      await tabTo(page, /^Procedi$/);
      await page.keyboard.press('Enter');

      await expect.poll(() => heading(page)).toBe('Pagamento');
      await check('payment');
      await tabTo(page, /Telemaco|Iconto|Carta di credito/);
      // Arrow keys move within the radio group, as in any form.
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => page.locator('input[value="card"]').isChecked()).toBe(true);
      await tabTo(page, /^Avvia$/);
      await page.keyboard.press('Enter');

      const link = page.getByTestId('checkout-link');
      await expect.poll(() => link.count()).toBe(1);
      await check('card-waiting');
      // The bank's page, in a second page as the default browser would show it.
      const checkoutUrl = (await link.getAttribute('href')) ?? '';
      const bankContext = await browser.newContext({ ignoreHTTPSErrors: true });
      const bank = await bankContext.newPage();
      await bank.goto(checkoutUrl);
      await bank.getByRole('button', { name: 'Paga' }).click();
      await bankContext.close();

      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Pagamento effettuato');
      expect(await page.locator('.receipt').textContent()).toContain('Transazione');
      await check('paid');
      await tabTo(page, /^Rinnova ora$/);
      await page.keyboard.press('Enter');

      await expect.poll(() => heading(page), { timeout: 60_000 }).toBe('Memorizzazione completata – Rinnovo del certificato completato');
      await check('done');
      expect(violations).toEqual([]);
    } finally {
      await scenario.close();
    }
  });
});
