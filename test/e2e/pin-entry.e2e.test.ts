/**
 * The PIN screen with the keyboard: the last try needs an explicit confirmation before anything
 * reaches the card, a wrong PIN leaves an empty field and a way back to it, a locked PIN gives
 * the PUK guidance and no field at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { seriousViolations } from './support/axe.js';
import { launchChromium, saveScreenshot } from './support/chromium.js';
import { tabTo } from './support/keyboard.js';
import { startScenarioApp } from './support/scenario-app.js';

const heading = (page: Page) => page.locator('h2.screen-heading').textContent();
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

describe('PIN entry in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('on the last try, sends nothing to the card until the holder ticks the confirmation', async () => {
    const scenario = await startScenarioApp('pin-final-try');
    try {
      const page = await browser.newPage();
      await page.goto(scenario.app.entryUrl());
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Sblocchi il dispositivo');
      expect(await page.locator('.warning').textContent()).toContain('rimane un solo tentativo');
      await tabTo(page, /^PIN/);
      await page.keyboard.type(scenario.lab.pin);
      await page.keyboard.press('Enter');
      // The browser refuses the form: the confirmation is required, the PIN is still in the field.
      const confirmation = page.locator('input[type="checkbox"]');
      expect(await confirmation.evaluate((element: HTMLInputElement) => element.validationMessage)).toBe("Per usare l'ultimo tentativo spunti questa conferma.");
      expect(await heading(page)).toBe('Sblocchi il dispositivo');
      expect(await page.locator('.error-code').count()).toBe(0);
      await saveScreenshot(page, 'pin-final-try');
      expect(await seriousViolations(page)).toEqual([]);

      await tabTo(page, /ultimo tentativo/);
      await page.keyboard.press('Space');
      await tabTo(page, /^Sblocca$/);
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Certificati sul dispositivo');
    } finally {
      await scenario.close();
    }
  });

  it('after a wrong PIN, shows the catalogue message, an empty field, and a button back to it', async () => {
    const scenario = await startScenarioApp('wrong-pin');
    try {
      const page = await browser.newPage();
      await page.goto(scenario.app.entryUrl());
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Sblocchi il dispositivo');
      await tabTo(page, /^PIN/);
      await page.keyboard.type(scenario.lab.pin);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.error-code').textContent(), { timeout: 20_000 }).toBe('Codice: PIN_INCORRECT');
      expect(await page.getByLabel('PIN').inputValue()).toBe('');
      await tabTo(page, /^Inserisca di nuovo il PIN$/);
      await page.keyboard.press('Enter');
      expect(await focusedId(page)).toBe('pin');
      await saveScreenshot(page, 'pin-wrong');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it('with the PIN locked, gives the PUK guidance and asks for no PIN', async () => {
    const scenario = await startScenarioApp('pin-locked');
    try {
      const page = await browser.newPage();
      await page.goto(scenario.app.entryUrl());
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Sblocchi il dispositivo');
      // One coherent state: locked, with the PUK guidance, and no "enter it again".
      expect(await page.locator('.error-code').textContent()).toBe('Codice: PIN_LOCKED');
      expect(await page.locator('.error-next-step').textContent()).toContain('PUK');
      expect(await page.getByText('Inserisca di nuovo il PIN').count()).toBe(0);
      expect(await page.locator('input[type="password"]').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Ricomincia' }).count()).toBe(1);
      await saveScreenshot(page, 'pin-locked');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await scenario.close();
    }
  });
});
