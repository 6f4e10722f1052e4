/**
 * The security gate of `npm test`: Electronegativity over the sources, failing on any finding
 * the reviewed baseline (scripts/electronegativity-baseline.json) does not accept with a reason.
 *
 *   node --import tsx scripts/security-gate.ts [--input src] [--baseline FILE] [--json]
 *
 * Electronegativity itself exits 0 whatever it finds, so it is run through its own runner and
 * its findings are judged here. Offline by construction: its one online check
 * (AvailableSecurityFixesGlobalCheck, which asks GitHub about Electron releases) is excluded, and
 * the translations it fetches at start are refused before any connection is made — the checks
 * and their English texts ship with the package. A file it cannot parse fails the gate too: an
 * unparsed file is an unchecked one.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { judgeFindings, parseBaseline, type Finding } from './security-gate-judgement.js';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** Whole-application checks (the CSP one) come without file, line or sample. */
interface RunnerIssue {
  readonly id: string;
  readonly file?: string;
  readonly sample?: string;
  readonly location?: { readonly line: number; readonly column: number };
  readonly description?: string;
}
interface RunnerResult {
  readonly issues: readonly RunnerIssue[];
  readonly errors: readonly { readonly file: string; readonly message: string; readonly tolerable: boolean }[];
}
type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<RunnerResult>;

/** `got` as Electronegativity sees it here: every request refused before it leaves the process. */
function refuseNetwork(): void {
  const offline = () => Promise.reject(new Error('the security gate runs offline'));
  const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load = function (request: string, ...rest: unknown[]) {
    if (request === 'got') return Object.assign(offline, { default: offline, get: offline, extend: () => offline });
    return load.call(this, request, ...rest);
  };
}

async function scan(input: string): Promise<{ findings: Finding[]; unparsed: string[] }> {
  refuseNetwork();
  const runner = require('@doyensec/electronegativity/dist/runner.js') as Runner;
  const electronVersion = (JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }).version;
  // Its i18n setup prints a line when the (refused) download fails: keep stdout for the verdict.
  const log = console.log;
  console.log = () => undefined;
  let result: RunnerResult;
  try {
    result = await runner(
      {
        input,
        customScan: [],
        excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
        isRelative: true,
        isVerbose: false,
        electronVersionOverride: electronVersion,
        parserPlugins: [],
      },
      false,
    );
  } finally {
    console.log = log;
  }
  return {
    findings: result.issues.map((issue) => ({
      check: issue.id,
      file: (issue.file ?? 'N/A').replace(/\\/g, '/'),
      line: issue.location?.line ?? 0,
      sample: (issue.sample ?? '').trim(),
      description: issue.description ?? '',
    })),
    unparsed: result.errors.filter((error) => !error.tolerable).map((error) => `${error.file}: ${error.message}`),
  };
}

const { values } = parseArgs({
  options: {
    input: { type: 'string', default: join(root, 'src') },
    baseline: { type: 'string', default: join(root, 'scripts', 'electronegativity-baseline.json') },
    json: { type: 'boolean', default: false },
  },
});

const baseline = parseBaseline(readFileSync(values.baseline, 'utf8'));
const { findings, unparsed } = await scan(resolve(values.input));
const verdict = judgeFindings(findings, baseline, unparsed);

if (values.json) {
  process.stdout.write(`${JSON.stringify(verdict)}\n`);
} else {
  console.log(`security gate: ${findings.length} finding(s), ${verdict.accepted.length} accepted by the baseline`);
  for (const problem of verdict.problems) console.log(`  ✗ ${problem}`);
  if (verdict.problems.length === 0) console.log('  ✓ nothing outside the reviewed baseline');
}
process.exitCode = verdict.problems.length === 0 ? 0 : 1;
