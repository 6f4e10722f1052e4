/**
 * A renewal paid and then left (the window closed before "Rinnova ora"): the next start finds the
 * journal, says so on its first screen, and finishes without asking for money again.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { findScenario } from '../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario } from '../../softhsm/scenarios/set-up-scenario.js';
import { makeTempDir } from '../support/temp-dir.js';
import { seriousViolations } from './support/axe.js';
import { launchChromium, saveScreenshot } from './support/chromium.js';
import { startHarnessAppAt } from './support/harness-app-at.js';
import { tabTo } from './support/keyboard.js';

const heading = (page: Page) => page.locator('h2.screen-heading').textContent();

async function unlock(page: Page, pin: string): Promise<void> {
  await expect.poll(() => heading(page), { timeout: 20_000 }).toMatch(/^Sblocchi il dispositivo/);
  await tabTo(page, /^PIN/);
  await page.keyboard.type(pin);
  await page.keyboard.press('Enter');
}

describe('an unfinished renewal in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

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
        const page = await browser.newPage();
        await page.goto(first.entryUrl());
        await unlock(page, lab.pin);
        await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Certificati sul dispositivo');
        await page.getByRole('button', { name: 'Procedi' }).click();
        await expect.poll(() => heading(page)).toBe('Pagamento');
        await page.getByLabel('User-ID').fill(lab.account.userId);
        await page.getByLabel('Password').fill(lab.account.password);
        await page.getByRole('button', { name: /^Paga/ }).click();
        await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Pagamento effettuato');
        await page.close();
        balancesAfterPaying = lab.service.account('telemaco', lab.account.userId)?.balances;
      } finally {
        await first.close();
      }

      const second = await startHarnessAppAt(dataDir, lab.env);
      try {
        const page = await browser.newPage();
        await page.goto(second.entryUrl());
        await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Rinnovo da completare');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('resume-heading');
        expect(await page.locator('main').textContent()).toContain('Il pagamento risulta già effettuato');
        await saveScreenshot(page, 'resume-offered');
        expect(await seriousViolations(page)).toEqual([]);
        await tabTo(page, /^Completa il rinnovo$/);
        await page.keyboard.press('Enter');
        await unlock(page, lab.pin);
        // Depending on where it stopped, the flow may show the receipt again before the re-key.
        await expect.poll(() => heading(page), { timeout: 60_000 }).toMatch(/Pagamento effettuato|Memorizzazione completata/);
        if ((await heading(page)) === 'Pagamento effettuato') await page.getByRole('button', { name: 'Rinnova ora' }).click();
        await expect.poll(() => heading(page), { timeout: 60_000 }).toBe('Memorizzazione completata – Rinnovo del certificato completato');
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
