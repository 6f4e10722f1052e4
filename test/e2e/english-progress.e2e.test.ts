/**
 * The walk in English, with a card slow enough to watch the progress: amounts and dates in the
 * English form, the progress screen saying which certificate and step, and that the device must
 * stay in, through a live region.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { findScenario } from '../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario } from '../../softhsm/scenarios/set-up-scenario.js';
import { makeTempDir } from '../support/temp-dir.js';
import { seriousViolations } from './support/axe.js';
import { launchChromium, saveScreenshot } from './support/chromium.js';
import { startHarnessApp } from './support/harness-app.js';
import { tabTo } from './support/keyboard.js';

const heading = (page: Page) => page.locator('h2.screen-heading').textContent();

describe('the renewal in English on a slow card', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('formats amounts and dates for English and shows each step of the re-key as it happens', async () => {
    const renewable = findScenario('renewable');
    if (!renewable) throw new Error('no renewable scenario');
    const temp = await makeTempDir('e2e-english');
    const lab = await setUpScenario({ ...renewable, name: 'renewable-slow-card', simulator: { keyGenerationDelayMs: 2_500 } }, temp.dir, {
      toolVersion: '1.0.0',
    });
    const app = await startHarnessApp(lab.env);
    try {
      const page = await browser.newPage();
      await page.goto(app.entryUrl());
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Sblocchi il dispositivo');
      await page.getByLabel('Lingua').selectOption('en');
      await expect.poll(() => heading(page)).toBe('Unlock the device');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');

      await tabTo(page, /^PIN/);
      await page.keyboard.type(lab.pin);
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page), { timeout: 30_000 }).toBe('Certificates on the device');
      const plan = (await page.locator('.plan').textContent()) ?? '';
      expect(plan).toContain('€15.00');
      expect(plan).toContain('€25.00');
      expect(plan).toContain('Total: €40.00');
      expect(plan).toMatch(/will expire on \d{1,2} [A-Z][a-z]+ \d{4}/);
      await saveScreenshot(page, 'english-certificates');
      expect(await seriousViolations(page)).toEqual([]);

      await tabTo(page, /^Proceed$/);
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page)).toBe('Payment');
      await page.getByLabel('User ID').fill(lab.account.userId);
      await page.getByLabel('Password').fill(lab.account.password);
      await tabTo(page, /^Pay /);
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Payment made');
      expect(await page.locator('.receipt').textContent()).toContain('€40.00');
      await saveScreenshot(page, 'english-paid');

      await tabTo(page, /^Renew now$/);
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Renewal in progress');
      const progress = page.locator('[role="status"]', { hasText: 'Certificate' });
      await expect.poll(() => progress.textContent(), { timeout: 20_000 }).toMatch(/^Certificate 1 of 2: /);
      expect(await progress.getAttribute('aria-live')).toBe('polite');
      expect(await page.locator('.warning').textContent()).toContain('Do not remove the device');
      await saveScreenshot(page, 'english-renewing');
      expect(await seriousViolations(page)).toEqual([]);
      await expect.poll(() => progress.textContent(), { timeout: 60_000 }).toMatch(/^Certificate 2 of 2: /);

      await expect.poll(() => heading(page), { timeout: 90_000 }).toBe('Storage completed – certificate renewal completed');
      await saveScreenshot(page, 'english-done');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await app.close();
      await lab.close();
      await temp.remove();
    }
  });
});
