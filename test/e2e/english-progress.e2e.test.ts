/**
 * The walk in English, with a card slow enough to watch the progress: amounts and dates in the
 * English form, the progress screen saying which certificate and step, and that the device must
 * stay in, through a live region.
 */
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario } from '../../softhsm/scenarios/set-up-scenario.js';
import { makeTempDir } from '../support/temp-dir.js';
import { atPinScreen, beginning, chromiumForThisFile, english as en, heading, italian, openApp, unlock } from './support/app-in-chromium.js';
import { seriousViolations } from './support/axe.js';
import { browserTestOptions, saveScreenshot } from './support/chromium.js';
import { startHarnessApp } from './support/harness-app.js';
import { tabTo } from './support/keyboard.js';

describe('the renewal in English on a slow card', browserTestOptions, () => {
  const browser = chromiumForThisFile();

  it('formats amounts and dates for English and shows each step of the re-key as it happens', async () => {
    const renewable = findScenario('renewable');
    if (!renewable) throw new Error('no renewable scenario');
    const temp = await makeTempDir('e2e-english');
    const lab = await setUpScenario({ ...renewable, name: 'renewable-slow-card', simulator: { keyGenerationDelayMs: 2_500 } }, temp.dir, {
      toolVersion: '1.0.0',
    });
    const app = await startHarnessApp(lab.env);
    try {
      const page = await openApp(browser(), app);
      await atPinScreen(page);
      await page.getByLabel(italian('app.language')).selectOption('en');
      await expect.poll(() => heading(page)).toBe(en('pin.heading'));
      expect(await page.locator('html').getAttribute('lang')).toBe('en');

      await unlock(page, lab.pin, { by: 'keyboard', language: en });
      await expect.poll(() => heading(page), { timeout: 30_000 }).toBe(en('certificates.heading'));
      const plan = (await page.locator('.plan').textContent()) ?? '';
      expect(plan).toContain('€15.00');
      expect(plan).toContain('€25.00');
      expect(plan).toContain(en('plan.total', { amount: '€40.00' }));
      expect(plan).toMatch(/will expire on \d{1,2} [A-Z][a-z]+ \d{4}/);
      await saveScreenshot(page, 'english-certificates');
      expect(await seriousViolations(page)).toEqual([]);

      await tabTo(page, new RegExp(`^${en('plan.proceed')}$`));
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page)).toBe(en('payment.heading'));
      await page.getByLabel(en('payment.userId')).fill(lab.account.userId);
      await page.getByLabel(en('payment.password')).fill(lab.account.password);
      await tabTo(page, beginning('payment.pay', en));
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(en('paid.heading'));
      expect(await page.locator('.receipt').textContent()).toContain('€40.00');
      await saveScreenshot(page, 'english-paid');

      await tabTo(page, new RegExp(`^${en('paid.renew')}$`));
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(en('renewing.heading'));
      const progress = page.locator('[role="status"]', { hasText: beginning('renewing.step', en) });
      const atStep = async (current: number) => ((await progress.textContent()) ?? '').startsWith(en('renewing.step', { current, total: 2, kind: '' }));
      await expect.poll(() => atStep(1), { timeout: 20_000 }).toBe(true);
      expect(await progress.getAttribute('aria-live')).toBe('polite');
      expect(await page.locator('.warning').textContent()).toContain(en('renewing.warning'));
      await saveScreenshot(page, 'english-renewing');
      expect(await seriousViolations(page)).toEqual([]);
      await expect.poll(() => atStep(2), { timeout: 60_000 }).toBe(true);

      await expect.poll(() => heading(page), { timeout: 90_000 }).toBe(en('done.headingPlural'));
      await saveScreenshot(page, 'english-done');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await app.close();
      await lab.close();
      await temp.remove();
    }
  });
});
