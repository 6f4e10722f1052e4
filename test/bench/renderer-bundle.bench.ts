/**
 * The renderer's first screen: how long Chromium takes, through the loopback harness, from asking
 * for the page to showing the start screen with the tool's version (answered by the real main
 * handler), beside the size of what it loads — the renderer's JavaScript, gzip-compressed as it
 * would travel, and raw as Chromium parses it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../e2e/support/chromium.js';
import { startHarnessApp } from '../e2e/support/harness-app.js';
import { median } from './support/intervals.js';
import type { BenchResult } from './run.js';

export const title = 'Renderer: first screen in Chromium, and bundle size';

const pageLoads = 7;

/** Fresh context each time (nothing cached): page asked for → start screen with the version shown. */
async function firstScreen(): Promise<{ shownMs: number[]; firstPaintMs: number[] }> {
  const browser = await launchChromium();
  const app = await startHarnessApp();
  const shownMs: number[] = [];
  const firstPaintMs: number[] = [];
  try {
    for (let load = 0; load < pageLoads; load++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(app.entryUrl());
      await page.getByTestId('tool-version').filter({ hasText: 'Versione 1.0.0' }).waitFor();
      shownMs.push(performance.now() - started);
      firstPaintMs.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN));
      await context.close();
    }
  } finally {
    await app.close();
    await browser.close();
  }
  // The first load also warms the harness and Chromium's own caches: reported apart.
  return { shownMs, firstPaintMs };
}

const root = join(import.meta.dirname, '..', '..');

export async function run(): Promise<BenchResult> {
  const assets = join(root, 'dist', 'renderer', 'assets');
  if (!existsSync(assets)) spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  const scripts = (await readdir(assets)).filter((name) => name.endsWith('.js'));
  // The entry chunk is what the app's window loads; the harness client is a chunk of its own,
  // fetched only in a browser without the preload.
  const html = await readFile(join(root, 'dist', 'renderer', 'index.html'), 'utf8');
  const entry = /src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  let raw = 0;
  let gzip = 0;
  let entryGzip = 0;
  for (const name of scripts) {
    const content = await readFile(join(assets, name));
    const compressed = gzipSync(content, { level: 9 }).length;
    raw += content.length;
    gzip += compressed;
    if (name === entry) entryGzip = compressed;
  }
  const screen = await firstScreen();
  return {
    [`first screen (goto → version shown), median of ${pageLoads - 1}`]: { value: median(screen.shownMs.slice(1)), unit: 'ms' },
    'first screen, very first load': { value: screen.shownMs[0] ?? Number.NaN, unit: 'ms' },
    'first contentful paint (page clock), median': { value: median(screen.firstPaintMs.slice(1)), unit: 'ms' },
    'app window JS (entry chunk), gzip': { value: entryGzip / 1024, unit: 'KiB', target: '< 100' },
    'all renderer JS incl. harness chunk, gzip': { value: gzip / 1024, unit: 'KiB' },
    'all renderer JS, raw': { value: raw / 1024, unit: 'KiB' },
    'renderer JS files': { value: scripts.length, unit: 'files' },
  };
}
