/**
 * The import rules `npm run lint` holds beyond ESLint — no cycles (between files or folders), a lab
 * that borrows nothing but the contract, services without Electron (dependency-cruiser), nothing
 * exported that nobody imports (knip) — proven to bite on fixtures, with the project's own configs.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'boundaries');
// The configuration `npm run lint` uses, as it is.
const config = ((await import(pathToFileURL(join(root, '.dependency-cruiser.mjs')).href)) as { default: IConfiguration }).default;

async function violationsIn(tree: string): Promise<string[]> {
  const previous = process.cwd();
  // dependency-cruiser names modules relative to the working folder, as `npm run lint` does from the root.
  process.chdir(join(fixtures, tree));
  try {
    const result = await cruise(['src', 'softhsm'], { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, outputType: 'json' });
    const output = (typeof result.output === 'string' ? JSON.parse(result.output) : result.output) as ICruiseResult;
    return output.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`);
  } finally {
    process.chdir(previous);
  }
}

describe('dependency rules (dependency-cruiser)', () => {
  it('refuses a cycle, a folder cycle, a lab import of client code and Electron in a service — and nothing else', async () => {
    const violations = await violationsIn('tree');
    expect(violations).toEqual(
      expect.arrayContaining([
        'no-cycle: src/main/loop/first.ts -> src/main/loop/second.ts',
        'no-folder-cycle: src/main/alpha -> src/main/beta',
        'lab-is-independent: softhsm/lab-borrows-client.ts -> src/main/storage/client-file.ts',
        expect.stringMatching(/^services-never-electron: src\/main\/token\/service-uses-electron\.ts -> .*node_modules\/electron\//),
      ]),
    );
    // The folder cycle is told from both folders; the lab's use of the contract is the positive control.
    expect(violations).toHaveLength(5);
    expect(violations.filter((violation) => violation.includes('lab-uses-contract'))).toEqual([]);
  }, 30_000);
});

describe('unused code (knip)', () => {
  it('refuses an export nobody imports, and accepts the one that is used', async () => {
    const knip = join(root, 'node_modules', 'knip', 'bin', 'knip.js');
    const run = promisify(execFile)(process.execPath, [knip, '--directory', join(fixtures, 'unused-export'), '--config', join(root, 'knip.jsonc'), '--no-progress', '--no-config-hints'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    const failure = (await run.then(() => undefined, (error: unknown) => error)) as { code?: number; stdout?: string } | undefined;
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toMatch(/Unused exports \(1\)\s+farewell\s+src\/main\/harness\/phrases\.ts/);
    expect(failure?.stdout).not.toMatch(/greeting/);
  }, 30_000);
});
