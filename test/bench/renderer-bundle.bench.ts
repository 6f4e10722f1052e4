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
  let raw = 0;
  let gzip = 0;
  for (const name of scripts) {
    const content = await readFile(join(assets, name));
    raw += content.length;
    gzip += gzipSync(content, { level: 9 }).length;
  }
  return {
    'renderer JS, gzip': { value: gzip / 1024, unit: 'KiB', target: '< 100' },
    'renderer JS, raw': { value: raw / 1024, unit: 'KiB' },
    'renderer JS files': { value: scripts.length, unit: 'files' },
  };
}
