/**
 * Size of what the holder's machine loads to show the first screen: the renderer's JavaScript,
 * gzip-compressed as it would travel, and raw as Chromium parses it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchResult } from './run.js';

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
  return {
    'app window JS (entry chunk), gzip': { value: entryGzip / 1024, unit: 'KiB', target: '< 100' },
    'all renderer JS incl. harness chunk, gzip': { value: gzip / 1024, unit: 'KiB' },
    'all renderer JS, raw': { value: raw / 1024, unit: 'KiB' },
    'renderer JS files': { value: scripts.length, unit: 'files' },
  };
}
