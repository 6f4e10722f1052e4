/**
 * "Configura Proxy" / "Test Proxy" / "Salva" in Chromium with the keyboard, against a real
 * forward proxy on loopback and the real network service behind the harness.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startForwardProxy } from '../../softhsm/network/forward-proxy.js';
import { describeError } from '../../src/shared/errors/catalogue.js';
import { atPinScreen, beginning, chromiumForThisFile, codeLine, exactly, heading, inScenario, italian as t, openApp } from './support/app-in-chromium.js';
import { seriousViolations } from './support/axe.js';
import { browserTestOptions, saveScreenshot } from './support/chromium.js';
import { tabTo } from './support/keyboard.js';

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const outcome = (page: Page) => page.locator('.proxy-outcome').textContent();

async function openProxySettings(page: Page): Promise<void> {
  await tabTo(page, exactly(t('action.proxySettings')));
  await page.keyboard.press('Enter');
  await expect.poll(() => heading(page)).toBe(t('proxy.heading'));
  expect(await focusedId(page)).toBe('proxy-heading');
}

async function typeInto(page: Page, label: RegExp, text: string): Promise<void> {
  await tabTo(page, label);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

describe('the proxy settings in Chromium, keyboard only', browserTestOptions, () => {
  const browser = chromiumForThisFile();

  it('tests a proxy, saves it, shows the route through it and goes back to the renewal', async () => {
    const proxy = await startForwardProxy();
    try {
      await inScenario(browser(), 'renewable', async (page) => {
        await atPinScreen(page);
        await openProxySettings(page);
        expect(await page.getByTestId('proxy-route').textContent()).toBe(t('proxy.route.direct'));

        await typeInto(page, beginning('proxy.host'), proxy.host);
        await typeInto(page, beginning('proxy.port'), String(proxy.port));
        await tabTo(page, exactly(t('proxy.test')));
        await page.keyboard.press('Enter');
        await expect.poll(() => outcome(page), { timeout: 15_000 }).toMatch(beginning('proxy.testOk'));
        expect(proxy.forwarded.length).toBeGreaterThan(0);
        await saveScreenshot(page, 'proxy-tested');
        expect(await seriousViolations(page)).toEqual([]);

        await tabTo(page, exactly(t('proxy.save')));
        await page.keyboard.press('Enter');
        await expect.poll(() => outcome(page), { timeout: 15_000 }).toMatch(beginning('proxy.saved.none'));
        expect(await page.getByTestId('proxy-route').textContent()).toContain(`${proxy.host}:${proxy.port}`);

        await tabTo(page, exactly(t('proxy.back')));
        await page.keyboard.press('Enter');
        await expect.poll(() => heading(page)).toBe(t('pin.heading'));
        expect(await focusedId(page)).toBe('pin-heading');
      });
    } finally {
      await proxy.close();
    }
  });

  it('shows the catalogue message when the proxy refuses the credentials, and clears the password once saved', async () => {
    const proxy = await startForwardProxy({ credentials: { username: 'mrossi', password: 'giusta' } });
    try {
      await inScenario(browser(), 'renewable', async (page, scenario) => {
        await atPinScreen(page);
        await openProxySettings(page);
        await typeInto(page, beginning('proxy.host'), proxy.host);
        await typeInto(page, beginning('proxy.port'), String(proxy.port));
        await typeInto(page, beginning('proxy.username'), 'mrossi');
        await typeInto(page, beginning('proxy.password'), 'sbagliata');
        await tabTo(page, exactly(t('proxy.test')));
        await page.keyboard.press('Enter');
        await expect.poll(() => page.locator('.error-code').textContent(), { timeout: 15_000 }).toBe(codeLine('NETWORK_PROXY_CREDENTIALS_REFUSED'));
        expect(await page.locator('.error-message').textContent()).toBe(describeError('NETWORK_PROXY_CREDENTIALS_REFUSED', 'it', { proxy: `${proxy.host}:${proxy.port}` }).message);
        await saveScreenshot(page, 'proxy-credentials-refused');
        expect(await seriousViolations(page)).toEqual([]);

        await typeInto(page, beginning('proxy.password'), 'giusta');
        await tabTo(page, exactly(t('proxy.save')));
        await page.keyboard.press('Enter');
        await expect.poll(() => outcome(page), { timeout: 15_000 }).toMatch(beginning('proxy.saved.none'));
        expect(await page.getByLabel(t('proxy.password')).inputValue()).toBe('');
        expect(await page.locator('#proxy-password-hint').textContent()).toContain(t('proxy.savedPassword'));

        // A second window reads the saved settings from main: host, port and user, never the password.
        const second = await openApp(browser(), scenario.app);
        await atPinScreen(second);
        await second.getByRole('button', { name: t('action.proxySettings') }).click();
        await expect.poll(() => second.getByLabel(t('proxy.username')).inputValue()).toBe('mrossi');
        expect(await second.getByLabel(t('proxy.host')).inputValue()).toBe(proxy.host);
        expect(await second.getByLabel(t('proxy.password')).inputValue()).toBe('');
        expect(await second.content()).not.toContain('giusta');
        expect(await second.locator('#proxy-password-hint').textContent()).toContain(t('proxy.savedPassword'));
        // The same port written with a leading zero is the same proxy, as main reads it: still kept.
        await typeInto(second, beginning('proxy.port'), `0${proxy.port}`);
        await expect.poll(() => second.locator('#proxy-password-hint').textContent()).toContain(t('proxy.savedPassword'));
        // Moved to another port, the stored password is not the new proxy's: the hint no longer says it is kept.
        await typeInto(second, beginning('proxy.port'), String(proxy.port + 1));
        await expect.poll(() => second.locator('#proxy-password-hint').textContent()).not.toContain(t('proxy.savedPassword'));
      });
    } finally {
      await proxy.close();
    }
  });

  it('says in the form what is wrong with the host or the port, keeping what was typed', async () => {
    await inScenario(browser(), 'renewable', async (page) => {
      await atPinScreen(page);
      await openProxySettings(page);
      await typeInto(page, beginning('proxy.host'), 'proxy ufficio');
      await typeInto(page, beginning('proxy.port'), '8080');
      await typeInto(page, beginning('proxy.username'), 'mrossi');
      await typeInto(page, beginning('proxy.password'), 'segreta');
      await tabTo(page, exactly(t('proxy.save')));
      await page.keyboard.press('Enter');
      // The contract's own rule, said in place: not "richiesta non valida", whose only button leaves the form.
      await expect.poll(() => page.locator('.error-code').textContent(), { timeout: 15_000 }).toBe(codeLine('NETWORK_PROXY_SETTINGS_INVALID'));
      expect(await page.locator('.error-message').textContent()).toBe(describeError('NETWORK_PROXY_SETTINGS_INVALID', 'it').message);
      expect(await heading(page)).toBe(t('proxy.heading'));
      expect(await focusedId(page)).toBe('proxy-host');
      expect(await page.getByLabel(t('proxy.password')).inputValue()).toBe('segreta');

      // A port the browser's pattern lets through but no proxy has.
      await typeInto(page, beginning('proxy.host'), 'proxy.ufficio.it');
      await typeInto(page, beginning('proxy.port'), '65536');
      await tabTo(page, exactly(t('proxy.test')));
      await page.keyboard.press('Enter');
      await expect.poll(() => focusedId(page), { timeout: 15_000 }).toBe('proxy-port');
      expect(await page.locator('.error-code').textContent()).toBe(codeLine('NETWORK_PROXY_SETTINGS_INVALID'));
      expect(await page.getByLabel(t('proxy.host')).inputValue()).toBe('proxy.ufficio.it');
      expect(await page.getByLabel(t('proxy.password')).inputValue()).toBe('segreta');
    });
  });

  it('opens from the error of the blocked start-up checks and leads back to them', async () => {
    await inScenario(browser(), 'no-network', async (page) => {
      await expect.poll(() => page.locator('.error-code').textContent(), { timeout: 20_000 }).toBe(codeLine('SERVICE_UNREACHABLE'));
      expect(await heading(page)).toBe(t('blocked.heading'));
      // The error's own "Configura Proxy", not the one in the header.
      await page.locator('.error-panel').getByRole('button', { name: t('action.proxySettings') }).click();
      await expect.poll(() => heading(page)).toBe(t('proxy.heading'));
      await page.getByRole('button', { name: t('proxy.back') }).click();
      await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(t('blocked.heading'));
      expect(await page.locator('.error-code').textContent()).toBe(codeLine('SERVICE_UNREACHABLE'));
    });
  });
});
