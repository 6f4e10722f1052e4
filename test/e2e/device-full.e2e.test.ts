/**
 * A card with no room for a second key pair: before paying, and again before the re-key, the
 * holder is told the old keys go first and the device must stay in.
 */
import { describe, expect, it } from 'vitest';
import { beginning, chromiumForThisFile, heading, inScenario, italian as t, unlock } from './support/app-in-chromium.js';
import { seriousViolations } from './support/axe.js';
import { browserTestOptions, saveScreenshot } from './support/chromium.js';

describe('a full card in Chromium', browserTestOptions, () => {
  const browser = chromiumForThisFile();

  it('warns that the old keys are removed first, before paying and before the re-key', async () => {
    await inScenario(browser(), 'device-full', async (page, scenario) => {
      await unlock(page, scenario.lab.pin);
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('certificates.heading'));
      expect(await page.locator('.plan .warning').textContent()).toContain(t('plan.removeOldFirst'));
      await saveScreenshot(page, 'device-full-certificates');
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('button', { name: t('plan.proceed') }).click();
      await expect.poll(() => heading(page)).toBe(t('payment.heading'));
      await page.getByLabel(t('payment.userId')).fill(scenario.lab.account.userId);
      await page.getByLabel(t('payment.password')).fill(scenario.lab.account.password);
      await page.getByRole('button', { name: beginning('payment.pay') }).click();
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('paid.heading'));
      expect(await page.locator('.warning').textContent()).toContain(t('plan.removeOldFirst'));
      await page.getByRole('button', { name: t('paid.renew') }).click();
      await expect.poll(() => heading(page), { timeout: 60_000 }).toBe(t('done.headingPlural'));
    });
  });
});
