import { describe, expect, it } from 'vitest';
import { chromiumForThisFile, exactly, fixedPart, heading, inScenario, italian as t, unlock } from './support/app-in-chromium.js';
import { seriousViolations } from './support/axe.js';
import { saveScreenshot } from './support/chromium.js';
import { tabTo } from './support/keyboard.js';

describe('the renewable scenario in Chromium, keyboard only, paid by card', () => {
  const browser = chromiumForThisFile();

  it('goes from the start checks to "Rinnovo del certificato completato", and every screen passes axe', async () => {
    await inScenario(browser(), 'renewable-card', async (page, scenario) => {
      const violations: string[] = [];
      const check = async (name: string) => {
        await saveScreenshot(page, `walk-${name}`);
        for (const violation of await seriousViolations(page)) violations.push(`${name}: ${violation.id} ${violation.targets.join(', ')}`);
      };

      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('pin.heading'));
      await check('pin');
      await unlock(page, scenario.lab.pin, { by: 'keyboard' });

      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('certificates.heading'));
      expect(await page.locator('.verdict.ok').count()).toBe(2);
      expect(await page.locator('.plan').textContent()).toContain(fixedPart('plan.newExpiry'));
      await check('certificates');
      await tabTo(page, exactly(t('plan.proceed')));
      await page.keyboard.press('Enter');

      await expect.poll(() => heading(page)).toBe(t('payment.heading'));
      await check('payment');
      await tabTo(page, new RegExp([t('payment.telemaco'), t('payment.iconto'), t('payment.card')].join('|')));
      // Arrow keys move within the radio group, as in any form.
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => page.locator('input[value="card"]').isChecked()).toBe(true);
      await tabTo(page, exactly(t('payment.startCard')));
      await page.keyboard.press('Enter');

      const link = page.getByTestId('checkout-link');
      await expect.poll(() => link.count()).toBe(1);
      await check('card-waiting');
      // The bank's page (the lab's checkout), in a second page as the default browser would show it.
      const checkoutUrl = (await link.getAttribute('href')) ?? '';
      const bankContext = await browser().newContext({ ignoreHTTPSErrors: true });
      const bank = await bankContext.newPage();
      await bank.goto(checkoutUrl);
      await bank.getByRole('button', { name: 'Paga' }).click();
      await bankContext.close();

      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('paid.heading'));
      expect(await page.locator('.receipt').textContent()).toContain(fixedPart('receipt.transaction'));
      await check('paid');
      await tabTo(page, exactly(t('paid.renew')));
      await page.keyboard.press('Enter');

      await expect.poll(() => heading(page), { timeout: 60_000 }).toBe(t('done.heading'));
      await check('done');
      expect(violations).toEqual([]);
    });
  });
});
