/**
 * "Configura Proxy" / "Test Proxy" / "Salva" in Chromium with the keyboard, against a real
 * forward proxy on loopback and the real network service behind the harness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startForwardProxy } from '../../softhsm/network/forward-proxy.js';
import { seriousViolations } from './support/axe.js';
import { launchChromium, saveScreenshot } from './support/chromium.js';
import { tabTo } from './support/keyboard.js';
import { startScenarioApp } from './support/scenario-app.js';

const heading = (page: Page) => page.locator('h2.screen-heading').textContent();
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const outcome = (page: Page) => page.locator('.proxy-outcome').textContent();

async function openProxySettings(page: Page): Promise<void> {
  await tabTo(page, /^Configura Proxy$/);
  await page.keyboard.press('Enter');
  await expect.poll(() => heading(page)).toBe('Configura Proxy');
  expect(await focusedId(page)).toBe('proxy-heading');
}

async function typeInto(page: Page, label: RegExp, text: string): Promise<void> {
  await tabTo(page, label);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

describe('the proxy settings in Chromium, keyboard only', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('tests a proxy, saves it, shows the route through it and goes back to the renewal', async () => {
    const proxy = await startForwardProxy();
    const scenario = await startScenarioApp('renewable');
    try {
      const page = await browser.newPage();
      await page.goto(scenario.app.entryUrl());
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Sblocchi il dispositivo');
      await openProxySettings(page);
      expect(await page.getByTestId('proxy-route').textContent()).toBe('Connessione attuale: diretta, senza proxy.');

      await typeInto(page, /Indirizzo del proxy/, proxy.host);
      await typeInto(page, /^Porta/, String(proxy.port));
      await tabTo(page, /^Test Proxy$/);
      await page.keyboard.press('Enter');
      await expect.poll(() => outcome(page), { timeout: 15_000 }).toMatch(/^Prova riuscita: il servizio di rinnovo risponde/);
      expect(proxy.forwarded.length).toBeGreaterThan(0);
      await saveScreenshot(page, 'proxy-tested');
      expect(await seriousViolations(page)).toEqual([]);

      await tabTo(page, /^Salva$/);
      await page.keyboard.press('Enter');
      await expect.poll(() => outcome(page), { timeout: 15_000 }).toMatch(/^Impostazioni salvate/);
      expect(await page.getByTestId('proxy-route').textContent()).toContain(`${proxy.host}:${proxy.port}`);

      await tabTo(page, /^Torna al rinnovo$/);
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page)).toBe('Sblocchi il dispositivo');
      expect(await focusedId(page)).toBe('pin-heading');
    } finally {
      await scenario.close();
      await proxy.close();
    }
  });

  it('shows the catalogue message when the proxy refuses the credentials, and clears the password once saved', async () => {
    const proxy = await startForwardProxy({ credentials: { username: 'mrossi', password: 'giusta' } });
    const scenario = await startScenarioApp('renewable');
    try {
      const page = await browser.newPage();
      await page.goto(scenario.app.entryUrl());
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Sblocchi il dispositivo');
      await openProxySettings(page);
      await typeInto(page, /Indirizzo del proxy/, proxy.host);
      await typeInto(page, /^Porta/, String(proxy.port));
      await typeInto(page, /^Nome utente/, 'mrossi');
      await typeInto(page, /^Password/, 'sbagliata');
      await tabTo(page, /^Test Proxy$/);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.error-code').textContent(), { timeout: 15_000 }).toBe('Codice: NETWORK_PROXY_CREDENTIALS_REFUSED');
      expect(await page.locator('.error-message').textContent()).toContain('ha rifiutato il nome utente e la password');
      await saveScreenshot(page, 'proxy-credentials-refused');
      expect(await seriousViolations(page)).toEqual([]);

      await typeInto(page, /^Password/, 'giusta');
      await tabTo(page, /^Salva$/);
      await page.keyboard.press('Enter');
      await expect.poll(() => outcome(page), { timeout: 15_000 }).toMatch(/^Impostazioni salvate/);
      expect(await page.getByLabel('Password').inputValue()).toBe('');
      expect(await page.locator('#proxy-password-hint').textContent()).toContain('Una password è già salvata');

      // A second window reads the saved settings from main: host, port and user, never the password.
      const second = await browser.newPage();
      await second.goto(scenario.app.entryUrl());
      await expect.poll(() => heading(second), { timeout: 20_000 }).toBe('Sblocchi il dispositivo');
      await second.getByRole('button', { name: 'Configura Proxy' }).click();
      await expect.poll(() => second.getByLabel('Nome utente').inputValue()).toBe('mrossi');
      expect(await second.getByLabel('Indirizzo del proxy').inputValue()).toBe(proxy.host);
      expect(await second.getByLabel('Password').inputValue()).toBe('');
      expect(await second.content()).not.toContain('giusta');
    } finally {
      await scenario.close();
      await proxy.close();
    }
  });

  it('opens from the error of the blocked start-up checks and leads back to them', async () => {
    const scenario = await startScenarioApp('no-network');
    try {
      const page = await browser.newPage();
      await page.goto(scenario.app.entryUrl());
      await expect.poll(() => page.locator('.error-code').textContent(), { timeout: 20_000 }).toBe('Codice: SERVICE_UNREACHABLE');
      expect(await heading(page)).toBe('Verifiche iniziali non superate');
      // The error's own "Configura Proxy", not the one in the header.
      await page.locator('.error-panel').getByRole('button', { name: 'Configura Proxy' }).click();
      await expect.poll(() => heading(page)).toBe('Configura Proxy');
      await page.getByRole('button', { name: 'Torna al rinnovo' }).click();
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe('Verifiche iniziali non superate');
      expect(await page.locator('.error-code').textContent()).toBe('Codice: SERVICE_UNREACHABLE');
    } finally {
      await scenario.close();
    }
  });
});
