#!/usr/bin/env node
// The helpdesk CLI: the bundled build when present (npm run build), the TypeScript sources otherwise.
// The bundle runs in this very process: a second Node start would cost the helpdesk a tenth of a
// second on every command. The sources need tsx's loader, so they get a process of their own.
// CommonJS, as the bundle's entry: Node starts it without its ES module loader.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry */
'use strict';
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundled = join(root, 'dist', 'main', 'cli.cjs');
if (existsSync(bundled)) {
  require(bundled);
} else {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'main', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
