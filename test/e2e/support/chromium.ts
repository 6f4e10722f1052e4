/**
 * Debian's Chromium driven by playwright-core (never `npx playwright install`: it downloads).
 * The flags keep Chromium from calling out to any network: these machines have none.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Chromium honours only the last --disable-features on its command line, and Playwright passes its
 * own list first: ours repeats Playwright's (playwright-core 1.65, chromiumSwitches.ts) and adds
 * the omnibox pop-ups. Headless Chromium 156 preloads them as "top-chrome" WebUI renderers that
 * keep a quarter of a core busy for as long as the browser runs, with nothing on screen to show.
 */
const playwrightDisabledFeatures = [
  'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay', 'MediaRouter', 'PaintHolding', 'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin', 'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
];
const playwrightListedFor = '1.65.';

function disabledFeatures(): string[] {
  const version = (createRequire(import.meta.url)('playwright-core/package.json') as { version: string }).version;
  if (!version.startsWith(playwrightListedFor)) {
    console.warn(`test/e2e/support/chromium.ts repeats playwright-core ${playwrightListedFor}x's --disable-features; playwright-core is ${version}: compare its chromiumSwitches.ts`);
  }
  return [...playwrightDisabledFeatures, 'WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'SpareRendererForSitePerProcess'];
}

const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  `--disable-features=${disabledFeatures().join(',')}`,
];

/**
 * The holder's "reduce motion" setting, which the app honours: the spinner stands still instead of
 * being redrawn sixty times a second by the software compositor (a tenth of a core) for as long
 * as a screen waits. A page option, not Chromium's --force-prefers-reduced-motion: Playwright
 * emulates "no preference" on every page it opens, over that switch.
 */
export const appPageOptions = { reducedMotion: 'reduce' } as const;

/**
 * The time bound of a browser test, on its describe block: twice a test's elsewhere (vitest.config.ts).
 * A scenario walks every screen of a renewal with Chromium, the harness, the device process and
 * the lab service sharing two cores with the rest of the run.
 */
export const browserTestOptions = { timeout: 120_000 } as const;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium (.ci/run does it)`);
  return chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, headless: true });
}

let shared: Promise<Browser> | undefined;
/** Files of this worker between their beforeAll and afterAll (holdChromium, releaseChromium). */
let holders = 0;
let idleClose: NodeJS.Timeout | undefined;

/**
 * How long the browser outlives the last file that used it. A worker runs test files of every
 * folder (vitest.config.ts) and the browser ones are spread over the run: a browser kept waiting
 * for the next costs less than a launch, but one kept for minutes after the last still burns a
 * little CPU (half a second in thirty) on the two cores the rest of the run needs.
 */
const idleCloseMs = 20_000;

/**
 * One Chromium per test worker, shared by the files it runs one after another: a launch starts a
 * browser, a GPU and a network process, which cost more than a scenario's page. A file holds it
 * from its beforeAll to its afterAll (and closes the pages and contexts it opened); once no file
 * has held it for a while, it is closed, and launched again if a later file asks. It also ends
 * with the worker (Playwright drives it over a pipe, and Chromium quits when the pipe closes).
 */
export function holdChromium(): Promise<Browser> {
  holders += 1;
  clearTimeout(idleClose);
  if (!shared) {
    const launched = launchChromium().then((browser) => {
      // Only this launch's own end: a browser closed for idleness may disconnect after the next one began.
      browser.on('disconnected', () => {
        if (shared === launched) shared = undefined;
      });
      return browser;
    });
    shared = launched;
  }
  return shared;
}

/** The end of a file's hold (holdChromium). */
export function releaseChromium(): void {
  holders -= 1;
  if (holders > 0 || !shared) return;
  const browser = shared;
  idleClose = setTimeout(() => {
    if (holders > 0 || shared !== browser) return;
    shared = undefined;
    void browser.then((open) => open.close()).catch(() => undefined);
  }, idleCloseMs);
  // The worker may end meanwhile: Chromium goes with it.
  idleClose.unref();
}

const screenshotDir = join(import.meta.dirname, '..', '..', '..', 'test-output', 'screenshots');

/**
 * Saves what the person sees, for the README and for a human look; not committed. Only when asked
 * (RINNOVO_SCREENSHOTS=1, as `npm run test:e2e` does): a full-page PNG costs the browser and the
 * test worker about half a second of CPU, forty times a run, and no test reads it.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.RINNOVO_SCREENSHOTS !== '1') return;
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
}
