/**
 * A card with no room for a second key pair: before paying, and again before the re-key, the
 * holder is told the old keys go first and the device must stay in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { seriousViolations } from './support/axe.js';
import { launchChromium, saveScreenshot } from './support/chromium.js';
import { startScenarioApp } from './support/scenario-app.js';

const heading = (page: Page) => page.locator('h2.screen-heading').textContent();
const removeOldFirst = /Le chiavi attuali verranno rimosse prima di generare le nuove/;

describe('a full card in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('warns that the old keys are removed first, before paying and before the re-key', async () => {
    const scenario = await startScenarioApp('device-full');
    try {
      const page = await browser.newPage();
      await page.goto(scenario.app.entryUrl());
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Sblocchi il dispositivo');
      await page.getByLabel('PIN').fill(scenario.lab.pin);
      await page.getByRole('button', { name: 'Sblocca' }).click();
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Certificati sul dispositivo');
      expect(await page.locator('.plan .warning').textContent()).toMatch(removeOldFirst);
      await saveScreenshot(page, 'device-full-certificates');
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Procedi' }).click();
      await expect.poll(() => heading(page)).toBe('Pagamento');
      await page.getByLabel('User-ID').fill(scenario.lab.account.userId);
      await page.getByLabel('Password').fill(scenario.lab.account.password);
      await page.getByRole('button', { name: /^Paga/ }).click();
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Pagamento effettuato');
      expect(await page.locator('.warning').textContent()).toMatch(removeOldFirst);
      await page.getByRole('button', { name: 'Rinnova ora' }).click();
      await expect.poll(() => heading(page), { timeout: 60_000 }).toBe('Memorizzazione completata – Rinnovo del certificato completato');
    } finally {
      await scenario.close();
    }
  });
});
