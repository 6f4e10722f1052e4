#!/usr/bin/env -S node --min-semi-space-size=16
// The young generation starts at its full 16 MB (V8 starts it at 1 MB and grows it): a command
// allocates some 20 MB as it loads and runs, and at 1 MB it paused for nine scavenges, about 70 ms
// of a renewal's main thread, copying module-level objects that live to the end anyway. A V8 flag
// must be given as Node starts (v8.setFlagsFromString is too late for the heap's layout), hence
// here; npm's shims, Windows' included, pass a shebang's options on.
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
