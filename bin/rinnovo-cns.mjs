#!/usr/bin/env node
// The helpdesk CLI: the bundled build when present (npm run build), the TypeScript sources otherwise.
// The bundle runs in this very process: a second Node start would cost the helpdesk a tenth of a
// second on every command. The sources need tsx's loader, so they get a process of their own.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundled = join(root, 'dist', 'main', 'cli.mjs');
if (existsSync(bundled)) {
  await import(pathToFileURL(bundled).href);
} else {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'main', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
