/**
 * The security gate in `npm test`: Electronegativity over src/ passes only with every finding
 * accepted, with its reason, by the reviewed baseline; a window with nodeIntegration proves it
 * can fail; and the baseline cannot hold an unexplained or stale entry.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { judgeFindings, parseBaseline, type Finding } from '../../../scripts/security-gate-judgement.js';

const root = join(import.meta.dirname, '..', '..', '..');
const run = promisify(execFile);

async function gate(input?: string): Promise<{ code: number; verdict: { problems: string[]; unaccepted: Finding[]; accepted: Finding[] } }> {
  const args = ['--import', 'tsx', join(root, 'scripts', 'security-gate.ts'), '--json', ...(input ? ['--input', input] : [])];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: root });
    return { code: 0, verdict: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, verdict: JSON.parse(failed.stdout) };
  }
}

describe('the security gate', () => {
  // Each scan starts Electronegativity afresh (seconds of loading): both run side by side.
  let onSources: ReturnType<typeof gate>;
  let onInsecureWindow: ReturnType<typeof gate>;
  beforeAll(() => {
    onSources = gate();
    onInsecureWindow = gate(join(root, 'test', 'fixtures', 'insecure-window'));
  });

  it('passes on src/: every Electronegativity finding there is accepted by the baseline with its reason', async () => {
    const { code, verdict } = await onSources;
    expect(verdict.problems).toEqual([]);
    expect(code).toBe(0);
    expect(verdict.accepted.length).toBeGreaterThan(0);
  });

  it('fails on a window with nodeIntegration: true', async () => {
    const { code, verdict } = await onInsecureWindow;
    expect(code).toBe(1);
    expect(verdict.unaccepted.map((finding) => finding.check)).toContain('NODE_INTEGRATION_JS_CHECK');
    expect(verdict.problems.join('\n')).toContain('main.js');
  });
});

describe('the baseline', () => {
  const finding: Finding = { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/electron/main.ts', line: 40, sample: 'await openExternalSafely(open, url, hosts)', description: 'Review the use of openExternal' };
  const reason = 'Reaches shell.openExternal only through the https allow-list of the checkout host.';

  it('must say why each finding is accepted', () => {
    expect(() => parseBaseline(JSON.stringify({ accepted: [{ check: finding.check, file: finding.file, reason: 'ok' }] }))).toThrow(/reason/);
    expect(() => parseBaseline(JSON.stringify({ accepted: [{ check: finding.check, file: finding.file }] }))).toThrow();
  });

  it('accepts only the flagged call it names, and reports entries that match nothing any more', () => {
    const narrow = parseBaseline(JSON.stringify({ accepted: [{ check: finding.check, file: finding.file, match: 'openExternalSafely(', reason }] }));
    expect(judgeFindings([finding], narrow).problems).toEqual([]);
    const later = { ...finding, line: 90, sample: 'shell.openExternal(untrusted)' };
    expect(judgeFindings([finding, later], narrow).unaccepted).toEqual([later]);
    expect(judgeFindings([], narrow).problems).toEqual([expect.stringContaining('matches no finding any more')]);
    expect(judgeFindings([finding], [], ['renderer/x.tsx: Unexpected token']).problems).toEqual([expect.stringContaining('not in the reviewed baseline'), expect.stringContaining('could not be scanned')]);
  });
});
