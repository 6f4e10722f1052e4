/**
 * The e2e preamble in one place: the test worker's Chromium for each file, a lab scenario per
 * test with a page open on the app, the PIN walk, and the screens' words read from the catalogues
 * the app itself uses (src/shared/i18n, src/shared/errors) — so a test says what the holder does
 * and sees, and a change of wording is made once.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ErrorCode } from '../../../src/shared/errors/catalogue.js';
import type { MessageKey } from '../../../src/shared/i18n/it.js';
import { translator, type Translate } from '../../../src/shared/i18n/translate.js';
import { appPageOptions, holdChromium, releaseChromium } from './chromium.js';
import { tabTo } from './keyboard.js';
import { startScenarioApp, type ScenarioApp } from './scenario-app.js';

/** The screens' words in Italian (the app's first language) and in English. */
export const italian = translator('it');
export const english = translator('en');

/** What a screen says up to its first placeholder (`Paga {amount}` → `Paga `), for lines that carry values. */
export function fixedPart(key: MessageKey, t: Translate = italian): string {
  return t(key).split('{')[0] ?? '';
}

/** The same, as a pattern anchored at the start (`Paga {amount}` → /^Paga /), for buttons and lines that carry values. */
export function beginning(key: MessageKey, t: Translate = italian): RegExp {
  return new RegExp(`^${escaped(fixedPart(key, t))}`);
}

/** Exactly this text, as a pattern (for `tabTo`, which matches what the focused element says). */
export function exactly(text: string): RegExp {
  return new RegExp(`^${escaped(text)}$`);
}

/** This text anywhere, as a pattern. */
export function containing(text: string): RegExp {
  return new RegExp(escaped(text));
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The line under an error panel that names its code. */
export function codeLine(code: ErrorCode): string {
  return italian('error.code', { code });
}

/** The worker's Chromium for this file's tests; the file leaves no page open behind it. */
export function chromiumForThisFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await holdChromium();
  });
  afterAll(async () => {
    await Promise.all(browser?.contexts().map((context) => context.close()) ?? []);
    releaseChromium();
  });
  return () => {
    if (!browser) throw new Error('Chromium did not start');
    return browser;
  };
}

/** The heading of the screen the holder sees. */
export function heading(page: Page): Promise<string | null> {
  return page.locator('h2.screen-heading').textContent();
}

/** A new window on the app, as the holder opens it. */
export async function openApp(browser: Browser, app: { entryUrl(): string }): Promise<Page> {
  const page = await browser.newPage(appPageOptions);
  await page.goto(app.entryUrl());
  return page;
}

const windows = new WeakMap<Browser, Page>();

/**
 * One window per browser, taken from one scenario's app to the next as a holder would reopen the
 * tool: a new page is a new context, a renderer process and a compositor surface, about 0.7 s of
 * Chromium's CPU, more than most scenarios' own walk. Each scenario is its own app with its own
 * session (on the worker's harness port once the app before it closed: harness-port.ts) and the
 * app keeps nothing in the browser's storage, so nothing of one reaches the next; Chromium's site
 * is the host, not the port, so the renderer process stays.
 */
export async function reusedWindow(browser: Browser): Promise<Page> {
  const open = windows.get(browser);
  if (open && !open.isClosed()) {
    // A bank page opened since took the front; a page behind gets no animation frames, and
    // Playwright waits for frames before each click.
    await open.bringToFront();
    return open;
  }
  const page = await browser.newPage(appPageOptions);
  windows.set(browser, page);
  return page;
}

/**
 * Leaves an app before its harness closes: the page's WebSocket ends with its document, and a
 * harness closing with a client still connected waits for it.
 */
export async function leaveApp(page: Page): Promise<void> {
  await page.goto('about:blank').catch(async () => {
    await page.close();
  });
}

/** A lab scenario set up from nothing, a window open on the app pointed at it, and all of it closed afterwards. */
export async function inScenario(browser: Browser, name: string, test: (page: Page, scenario: ScenarioApp) => Promise<void>, extraEnv: Record<string, string> = {}): Promise<void> {
  const scenario = await startScenarioApp(name, extraEnv);
  try {
    await test(await openApp(browser, scenario.app), scenario);
  } finally {
    await scenario.close();
  }
}

export interface PinWalk {
  /** By mouse (fill, click "Sblocca"), or by keyboard alone (Tab to the field, type, Enter). */
  readonly by?: 'mouse' | 'keyboard';
  /** The language the screen is in. */
  readonly language?: Translate;
  /** A new renewal, or finishing an interrupted one (the PIN screen says which). */
  readonly purpose?: 'renew' | 'resume';
}

/** The PIN screen is up (for a new renewal: the start-up checks passed). */
export async function atPinScreen(page: Page, { language = italian, purpose = 'renew' }: PinWalk = {}): Promise<void> {
  try {
    await expect.poll(() => heading(page), { timeout: 20_000 }).toBe(language(purpose === 'resume' ? 'pin.resumeHeading' : 'pin.heading'));
  } catch (error) {
    // A window that never reached the PIN screen: what it showed instead is what explains it.
    const shown = await page.locator('body').innerText({ timeout: 2_000 }).catch(() => '(the page could not be read)');
    throw new Error(`the PIN screen did not come; the window showed:\n${shown}`, { cause: error });
  }
}

/** The PIN walk: at the PIN screen, the PIN typed and sent. */
export async function unlock(page: Page, pin: string, walk: PinWalk = {}): Promise<void> {
  const t = walk.language ?? italian;
  await atPinScreen(page, walk);
  if (walk.by === 'keyboard') {
    await tabTo(page, beginning('pin.label', t));
    await page.keyboard.type(pin);
    await page.keyboard.press('Enter');
    return;
  }
  await page.getByLabel(t('pin.label')).fill(pin);
  await page.getByRole('button', { name: t('pin.submit') }).click();
}
