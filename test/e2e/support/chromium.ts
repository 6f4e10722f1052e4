/**
 * Debian's Chromium driven by playwright-core (never `npx playwright install`: it downloads).
 * The flags keep Chromium from calling out to any network: these machines have none.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium (.ci/run does it)`);
  return chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, headless: true });
}

const screenshotDir = join(import.meta.dirname, '..', '..', '..', 'test-output', 'screenshots');

/** Saves what the person sees, for the README and for a human look; not committed. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
