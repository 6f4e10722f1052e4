import type { Page } from 'playwright-core';

/** Presses Tab until the focused element's accessible text matches; the keyboard-only path. */
export async function tabTo(page: Page, matches: RegExp, maxPresses = 40): Promise<void> {
  for (let press = 0; press < maxPresses; press++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return '';
      const label = (element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : undefined) ?? element.closest('label')?.textContent ?? '';
      return `${element.getAttribute('aria-label') ?? ''} ${label} ${element.textContent ?? ''} ${(element as HTMLInputElement).value ?? ''}`.trim();
    });
    if (matches.test(focused)) return;
  }
  throw new Error(`Tab never reached ${matches}`);
}
