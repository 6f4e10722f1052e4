/**
 * A renewal paid and then left (the window closed before "Rinnova ora"): the next start finds the
 * journal, says so on its first screen, and finishes without asking for money again.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario } from '../../softhsm/scenarios/set-up-scenario.js';
import { makeTempDir } from '../support/temp-dir.js';
import { beginning, chromiumForThisFile, exactly, heading, italian as t, openApp, unlock } from './support/app-in-chromium.js';
import { seriousViolations } from './support/axe.js';
import { browserTestOptions, saveScreenshot } from './support/chromium.js';
import { startHarnessAppAt } from './support/harness-app-at.js';
import { tabTo } from './support/keyboard.js';

describe('an unfinished renewal in Chromium', browserTestOptions, () => {
  const browser = chromiumForThisFile();

  it('is offered on the next start and completed without a second payment', async () => {
    const scenario = findScenario('renewable');
    if (!scenario) throw new Error('no renewable scenario');
    const temp = await makeTempDir('e2e-resume');
    const lab = await setUpScenario(scenario, temp.dir, { toolVersion: '1.0.0' });
    const dataDir = join(temp.dir, 'app-data');
    let balancesAfterPaying: unknown;
    await mkdir(dataDir);
    try {
      const first = await startHarnessAppAt(dataDir, lab.env);
      try {
        const page = await openApp(browser(), first);
        await unlock(page, lab.pin, { by: 'keyboard' });
        await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('certificates.heading'));
        await page.getByRole('button', { name: t('plan.proceed') }).click();
        await expect.poll(() => heading(page)).toBe(t('payment.heading'));
        await page.getByLabel(t('payment.userId')).fill(lab.account.userId);
        await page.getByLabel(t('payment.password')).fill(lab.account.password);
        await page.getByRole('button', { name: beginning('payment.pay') }).click();
        await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('paid.heading'));
        await page.close();
        balancesAfterPaying = lab.service.account('telemaco', lab.account.userId)?.balances;
      } finally {
        await first.close();
      }

      const second = await startHarnessAppAt(dataDir, lab.env);
      try {
        const page = await openApp(browser(), second);
        await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('resume.heading'));
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('resume-heading');
        expect(await page.locator('main').textContent()).toContain(t('resume.paid'));
        await saveScreenshot(page, 'resume-offered');
        expect(await seriousViolations(page)).toEqual([]);
        await tabTo(page, exactly(t('action.resume')));
        await page.keyboard.press('Enter');
        await unlock(page, lab.pin, { by: 'keyboard', purpose: 'resume' });
        // Depending on where it stopped, the flow may show the receipt again before the re-key.
        await expect.poll(() => heading(page), { timeout: 60_000 }).toBeOneOf([t('paid.heading'), t('done.headingPlural')]);
        if ((await heading(page)) === t('paid.heading')) await page.getByRole('button', { name: t('paid.renew') }).click();
        await expect.poll(() => heading(page), { timeout: 60_000 }).toBe(t('done.headingPlural'));
        await saveScreenshot(page, 'resume-done');
        // Charged once, by the first window (the lab seeds 500 € on each account).
        expect(balancesAfterPaying).not.toEqual({ diritti: 50_000, tariffa: 50_000 });
        expect(lab.service.account('telemaco', lab.account.userId)?.balances).toEqual(balancesAfterPaying);
      } finally {
        await second.close();
      }
    } finally {
      await lab.close();
      await temp.remove();
    }
  });
});
