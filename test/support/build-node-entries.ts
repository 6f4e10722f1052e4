/**
 * Vitest global setup: bundles the Node entries (CLI, device worker, harness) from the current
 * sources before any test spawns them, so a test never runs yesterday's build.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--node-only'], { cwd: root, stdio: 'inherit' });
}
