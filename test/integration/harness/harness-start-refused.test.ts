/**
 * `npm start`'s harness (dist/main/harness-main.mjs) refusing to start: said in the catalogue's
 * words with the code, the process ending with a status, never a stack trace.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '../../support/temp-dir.js';

const root = join(import.meta.dirname, '..', '..', '..');

function startHarness(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'dist', 'main', 'harness-main.mjs')], { env: { PATH: process.env.PATH ?? '', RINNOVO_NO_BROWSER: '1', ...env }, timeout: 30_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
    });
  });
}

describe('the harness refusing to start', () => {
  it.each([
    ['a port that is not a number', { RINNOVO_HARNESS_PORT: 'abc' }, 'RINNOVO_HARNESS_PORT'],
    ['a service address that is not one', { RINNOVO_SERVICE_URL: 'not a url' }, 'RINNOVO_SERVICE_URL'],
  ])('%s: COMMAND_OPTION_INVALID naming the variable, exit status 1, no stack trace', async (_what, env, variable) => {
    await withTempDir('harness-refused', async (dir) => {
      const started = await startHarness({ RINNOVO_DATA_DIR: dir, RINNOVO_SERVICE_URL: 'https://127.0.0.1:9/api/v1/', RINNOVO_RENDERER_DIR: join(root, 'test', 'fixtures', 'renderer'), ...env });
      expect(started.code).toBe(1);
      expect(started.stderr).toContain('[COMMAND_OPTION_INVALID');
      expect(started.stderr).toContain(variable);
      expect(started.stderr).not.toMatch(/^\s+at /m);
    });
  });
});
