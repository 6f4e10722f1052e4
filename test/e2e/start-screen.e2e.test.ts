import { describe, expect, it } from 'vitest';
import { chromiumForThisFile, codeLine, containing, english, heading, inScenario, italian as t, openApp } from './support/app-in-chromium.js';
import { seriousViolations } from './support/axe.js';
import { labHolder } from '../../softhsm/token/token-presets.js';
import { browserTestOptions, saveScreenshot } from './support/chromium.js';
import { startHarnessApp } from './support/harness-app.js';
import { tabTo } from './support/keyboard.js';
import { writeLauncherPage } from '../../src/main/harness/browser-launch.js';

describe('the first screen in Chromium, through the harness', browserTestOptions, () => {
  const browser = chromiumForThisFile();

  it('shows the tool version answered by the real main handler, in Italian', async () => {
    const app = await startHarnessApp();
    try {
      const page = await openApp(browser(), app);
      await expect.poll(() => page.getByTestId('tool-version').textContent()).toBe(t('app.version', { version: '1.0.0' }));
      expect(await page.locator('html').getAttribute('lang')).toBe('it');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t('app.title'));
      // The renderer these tests drive is the one that ships: React's production build, not the
      // development one (twice the size, its checks slowing every screen) a stray NODE_ENV gives.
      const scripts = await page.evaluate(() => [...document.querySelectorAll('script[src]')].map((script) => (script as HTMLScriptElement).src));
      expect(scripts.length).toBeGreaterThan(0);
      for (const src of scripts) expect((await (await page.request.get(src)).text()).includes('jsxDEV'), `React's development JSX runtime in ${src}`).toBe(false);
      await saveScreenshot(page, 'start-it');
    } finally {
      await app.close();
    }
  });

  it('switches to English with the keyboard and remembers it for the next window', async () => {
    const app = await startHarnessApp();
    try {
      const page = await openApp(browser(), app);
      await expect.poll(() => page.getByTestId('tool-version').textContent()).toBe(t('app.version', { version: '1.0.0' }));
      // Let the initial checks end first: their verdict screen takes the focus to its heading.
      await expect.poll(() => heading(page), { timeout: 20_000 }).not.toBe(t('checking.heading'));
      await tabTo(page, containing(t('app.language.it')));
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SELECT');
      await page.getByLabel(t('app.language')).selectOption('en');
      await expect.poll(() => page.getByTestId('tool-version').textContent()).toBe(english('app.version', { version: '1.0.0' }));
      const second = await openApp(browser(), app);
      await expect.poll(() => second.getByTestId('tool-version').textContent()).toBe(english('app.version', { version: '1.0.0' }));
      expect(await second.locator('html').getAttribute('lang')).toBe('en');
      await saveScreenshot(second, 'start-en');
    } finally {
      await app.close();
    }
  });

  it('shows what the support bundle holds, the pseudonymisation explained, before saving it', async () => {
    // A card library that is there but does not load: the first screen offers the support bundle.
    await inScenario(browser(), 'renewable', async (page) => {
      await expect.poll(() => page.locator('.error-code').first().textContent(), { timeout: 20_000 }).toBe(codeLine('DEVICE_MODULE_LOAD_FAILED'));
      await page.getByRole('button', { name: t('action.supportBundle') }).click();
      await expect.poll(() => heading(page)).toBe(t('supportBundle.title'));
      const contents = page.locator('.support-bundle-contents');
      await expect.poll(() => contents.textContent(), { timeout: 20_000 }).toMatch(/Il pacchetto di supporto contiene:[\s\S]*pseudonimi/);
      expect(await contents.textContent()).not.toContain(labHolder.fiscalCode);
      expect(await seriousViolations(page)).toEqual([]);
      await saveScreenshot(page, 'support-bundle-contents');
      await page.getByRole('button', { name: t('supportBundle.save') }).click();
      await expect.poll(() => page.locator('.support-bundle').textContent()).toMatch(/rinnovo-support-.+\.tar\.gz/);
      await saveScreenshot(page, 'support-bundle-saved');
    }, { RINNOVO_PKCS11_MODULE: '/etc/hostname' });
  });

  it('is refused without the session; npm start’s private launcher file leads in once, leaving no secret in sight', async () => {
    const app = await startHarnessApp();
    const entry = app.entryUrl();
    // What npm start points Chromium at: a file only this user can read, moving on to the entry.
    const launcher = await writeLauncherPage(entry);
    try {
      const stranger = await browser().newPage();
      expect((await stranger.goto(`http://127.0.0.1:${app.harness.port}/`))?.status()).toBe(403);
      expect(launcher.url).toMatch(/^file:\/\//);
      const page = await browser().newPage();
      await page.goto(launcher.url);
      await expect.poll(() => page.getByTestId('tool-version').textContent()).toBe(t('app.version', { version: '1.0.0' }));
      // The address bar holds no secret, and the page's script cannot read the session cookie.
      expect(page.url()).toBe(`http://127.0.0.1:${app.harness.port}/`);
      expect(await page.evaluate(() => document.cookie)).toBe('');
      // The same entry address, read later from a command line or a history, is spent.
      const late = await browser().newPage();
      expect((await late.goto(entry))?.status()).toBe(403);
    } finally {
      await launcher.remove();
      await app.close();
    }
  });
});
