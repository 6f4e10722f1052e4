/**
 * The PIN screen with the keyboard: the last try needs an explicit confirmation before anything
 * reaches the card, a wrong PIN leaves an empty field and a way back to it, a locked PIN gives
 * the PUK guidance and no field at all.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/shared/errors/catalogue.js';
import { atPinScreen, chromiumForThisFile, codeLine, containing, exactly, heading, inScenario, italian as t, unlock } from './support/app-in-chromium.js';
import { seriousViolations } from './support/axe.js';
import { browserTestOptions, saveScreenshot } from './support/chromium.js';
import { tabTo } from './support/keyboard.js';

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

describe('PIN entry in Chromium', browserTestOptions, () => {
  const browser = chromiumForThisFile();

  it('on the last try, sends nothing to the card until the holder ticks the confirmation', async () => {
    await inScenario(browser(), 'pin-final-try', async (page, scenario) => {
      await atPinScreen(page);
      expect(await page.locator('.warning').textContent()).toContain(t('pin.finalTry'));
      await unlock(page, scenario.lab.pin, { by: 'keyboard' });
      // The browser refuses the form: the confirmation is required, the PIN is still in the field.
      const confirmation = page.locator('input[type="checkbox"]');
      expect(await confirmation.evaluate((element: HTMLInputElement) => element.validationMessage)).toBe(t('pin.confirmRequired'));
      expect(await heading(page)).toBe(t('pin.heading'));
      expect(await page.locator('.error-code').count()).toBe(0);
      await saveScreenshot(page, 'pin-final-try');
      expect(await seriousViolations(page)).toEqual([]);

      await tabTo(page, containing(t('pin.confirmFinalTry')));
      await page.keyboard.press('Space');
      await tabTo(page, exactly(t('pin.submit')));
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('certificates.heading'));
    });
  });

  it('after a wrong PIN, shows the catalogue message, an empty field, and a button back to it', async () => {
    await inScenario(browser(), 'wrong-pin', async (page, scenario) => {
      await unlock(page, scenario.lab.pin, { by: 'keyboard' });
      await expect.poll(() => page.locator('.error-code').textContent(), { timeout: 20_000 }).toBe(codeLine('PIN_INCORRECT'));
      expect(await page.getByLabel(t('pin.label')).inputValue()).toBe('');
      await tabTo(page, exactly(t('action.enterPin')));
      await page.keyboard.press('Enter');
      expect(await focusedId(page)).toBe('pin');
      await saveScreenshot(page, 'pin-wrong');
      expect(await seriousViolations(page)).toEqual([]);
    });
  });

  it('a PIN the card would not take is said at the PIN, nothing sent; a device with nothing to renew offers "Ricomincia", back to the PIN', async () => {
    await inScenario(browser(), 'too-early', async (page, scenario) => {
      // Pasted with a trailing space: the contract's rule, said here, not "richiesta non valida".
      await unlock(page, `${scenario.lab.pin} `);
      await expect.poll(() => page.locator('.error-code').textContent(), { timeout: 20_000 }).toBe(codeLine('PIN_FORMAT_INVALID'));
      expect(await page.locator('.error-next-step').textContent()).toBe(describeError('PIN_FORMAT_INVALID', 'it').nextStep);
      expect(await heading(page)).toBe(t('pin.heading'));
      expect(await focusedId(page)).toBe('pin');
      // Nothing reached the card: no try spent.
      expect(await page.locator('.warning').count()).toBe(0);

      await unlock(page, scenario.lab.pin);
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('certificates.heading'));
      expect(await page.locator('.error-code').textContent()).toBe(codeLine('NOTHING_TO_RENEW'));
      await page.getByRole('button', { name: t('action.restart') }).click();
      await atPinScreen(page);
    });
  });

  it('with the PIN locked, gives the PUK guidance and asks for no PIN', async () => {
    await inScenario(browser(), 'pin-locked', async (page) => {
      await atPinScreen(page);
      // One coherent state: locked, with the PUK guidance, and no "enter it again".
      expect(await page.locator('.error-code').textContent()).toBe(codeLine('PIN_LOCKED'));
      expect(await page.locator('.error-next-step').textContent()).toBe(describeError('PIN_LOCKED', 'it').nextStep);
      expect(await page.getByText(t('action.enterPin')).count()).toBe(0);
      expect(await page.locator('input[type="password"]').count()).toBe(0);
      expect(await page.getByRole('button', { name: t('action.restart') }).count()).toBe(1);
      await saveScreenshot(page, 'pin-locked');
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
});
