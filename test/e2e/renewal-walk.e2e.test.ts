import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../support/pdf-text.js';
import { chromiumForThisFile, exactly, fixedPart, heading, inScenario, italian as t, unlock } from './support/app-in-chromium.js';
import { seriousViolations } from './support/axe.js';
import { browserTestOptions, saveScreenshot } from './support/chromium.js';
import { tabTo } from './support/keyboard.js';

describe('the renewable scenario in Chromium, keyboard only, paid by card', browserTestOptions, () => {
  const browser = chromiumForThisFile();

  it('goes from the start checks to "Rinnovo dei certificati completato", saves the receipt, and every screen passes axe', async () => {
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
      // "Avvia" opens the checkout itself: in a browser, a new tab.
      const checkoutTab = page.context().waitForEvent('page', { timeout: 20_000 });
      await page.keyboard.press('Enter');

      const link = page.getByTestId('checkout-link');
      await expect.poll(() => link.count()).toBe(1);
      const opened = await checkoutTab;
      expect(await link.getAttribute('href')).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
      await opened.close();
      await check('card-waiting');
      // The bank's page (the lab's checkout), in a second page as the default browser would show it.
      const checkoutUrl = (await link.getAttribute('href')) ?? '';
      const bankContext = await browser().newContext({ ignoreHTTPSErrors: true });
      const bank = await bankContext.newPage();
      await bank.goto(checkoutUrl);
      await bank.getByRole('button', { name: 'Paga' }).click();
      await bankContext.close();

      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('paid.heading'));
      const receiptText = (await page.locator('.receipt').textContent()) ?? '';
      expect(receiptText).toContain(fixedPart('receipt.transaction'));
      const transactionId = new RegExp(`${fixedPart('receipt.transaction')}(\\S+?)${fixedPart('receipt.date')}`).exec(receiptText)?.[1] ?? '';
      expect(transactionId).not.toBe('');
      await check('paid');
      await tabTo(page, exactly(t('paid.renew')));
      await page.keyboard.press('Enter');

      // Two certificates renewed: the guide's closing words in the plural.
      await expect.poll(() => heading(page), { timeout: 60_000 }).toBe(t('done.headingPlural'));
      await check('done');

      // "Salva ricevuta": the PDF's own text says the transaction, the amounts charged and the new expiry.
      await tabTo(page, exactly(t('receipt.save')));
      await page.keyboard.press('Enter');
      const saved = page.getByTestId('receipt-path');
      // The first receipt a process saves loads pdf-lib (a third of a second on an idle machine).
      await expect.poll(() => saved.textContent(), { timeout: 10_000 }).toContain(fixedPart('receipt.saved'));
      const path = ((await saved.textContent()) ?? '').slice(fixedPart('receipt.saved').length);
      const pdf = pdfText(await readFile(path)).join('\n').replace(/[\u00a0\u202f]/g, ' ');
      const onScreen = ((await page.locator('.receipt').textContent()) ?? '').replace(/[\u00a0\u202f]/g, ' ');
      expect(pdf).toContain(t('receipt.transaction', { id: transactionId }));
      const charged = new RegExp(`${fixedPart('receipt.captured')}[0-9.,]+ €`).exec(onScreen)?.[0] ?? 'no total on screen';
      expect(pdf).toContain(charged);
      expect(pdf).toMatch(/nuova scadenza \d{1,2} \p{L}+ \d{4}/u);
      // The journal of the finished renewal keeps the receipt as it ended.
      const journalDir = join(scenario.app.test.dataDir, 'journal');
      const archived = (await readdir(journalDir)).filter((name) => name.endsWith('.done.json'));
      expect(archived).toHaveLength(1);
      const journal = JSON.parse(await readFile(join(journalDir, archived[0] ?? ''), 'utf8')) as { payment: { receipt?: { transactionId: string; capturedCents: number } } };
      expect(journal.payment.receipt?.transactionId).toBe(transactionId);
      expect(violations).toEqual([]);
    });
  });
});
