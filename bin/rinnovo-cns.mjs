#!/usr/bin/env node
// The helpdesk CLI: the bundled build when present (npm run build), the TypeScript sources otherwise.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundled = join(root, 'dist', 'main', 'cli.mjs');
const args = existsSync(bundled)
  ? [bundled, ...process.argv.slice(2)]
  : ['--import', 'tsx', join(root, 'src', 'main', 'cli', 'main.ts'), ...process.argv.slice(2)];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
