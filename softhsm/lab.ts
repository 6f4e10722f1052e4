/**
 * `npm run lab -- [SCENARIO]`: sets one scenario up from nothing in a fresh folder under .lab/
 * and starts the tool against it — the Electron window where Electron is installed, otherwise
 * the same app served to a browser (its address is printed). `--list` lists the scenarios,
 * `--clean` empties .lab/, `--help` and any command line that does not parse print the usage.
 * `--from-bundle FILE` does the same for the situation in a holder's support bundle; `--match
 * FILE` names the catalogue scenario closest to it (softhsm/bundle/).
 *
 * RINNOVO_LAB_DIR moves .lab/ elsewhere (the tests' own folders).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { matchBundle, scenarioForBundle } from './bundle/bundle-commands.js';
import { announcement, writeEnvironmentFile } from './lab-announcement.js';
import { labUsage, parseLabArguments, type LabLanguage } from './lab-arguments.js';
import { scenarioCatalogue, type ScenarioDefinition } from './scenarios/scenario-catalogue.js';
import { setUpScenario } from './scenarios/set-up-scenario.js';

const root = join(import.meta.dirname, '..');
const labRoot = process.env.RINNOVO_LAB_DIR ?? join(root, '.lab');

function electronBinary(): string | undefined {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const binary = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim());
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** A loopback port free now, for the harness: known before it starts, so the ssh line can name it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function clean(lang: LabLanguage): Promise<void> {
  const entries = await readdir(labRoot).catch(() => [] as string[]);
  for (const entry of entries) await rm(join(labRoot, entry), { recursive: true, force: true });
  console.log(lang === 'it' ? `${labRoot}: ${entries.length} elementi rimossi.` : `${labRoot}: ${entries.length} entries removed.`);
}

async function run(scenario: ScenarioDefinition, lang: LabLanguage, harnessWanted: boolean): Promise<void> {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = join(labRoot, `${scenario.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(dir, { recursive: true });
  const lab = await setUpScenario(scenario, dir, { toolVersion: version });

  if (!existsSync(join(root, 'dist', 'renderer', 'index.html')) || !existsSync(join(root, 'dist', 'main', 'harness-main.mjs'))) {
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }

  const electron = harnessWanted ? undefined : electronBinary();
  const harnessPort = electron ? undefined : await freePort();
  const envFile = join(dir, 'lab-env.sh');
  await writeEnvironmentFile(envFile, lab.env);
  for (const line of announcement({ lab, lang, envFile, harnessPort })) console.log(line);

  const env = { ...process.env, ...lab.env, ...(harnessPort === undefined ? {} : { RINNOVO_HARNESS_PORT: String(harnessPort) }) };
  const child = electron
    ? spawn(electron, ['.'], { cwd: root, env, stdio: 'inherit' })
    : spawn(process.execPath, [join(root, 'dist', 'main', 'harness-main.mjs')], { cwd: root, env, stdio: 'inherit' });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  child.on('exit', async (code) => {
    await lab.close();
    process.exit(code ?? 0);
  });
}

function bundleOptions(lang: LabLanguage) {
  const toolVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return { toolVersion, locale: lang, print: (line: string) => console.log(line) };
}

/** A bundle path that names no file: said in the helpdesk's language, as a wrong argument (exit 2). */
function missingBundle(file: string, lang: LabLanguage): boolean {
  if (existsSync(file)) return false;
  console.error(
    lang === 'it'
      ? `lab: il pacchetto di supporto ${file} non esiste; controlli il percorso del file ricevuto dal titolare.`
      : `lab: the support bundle ${file} does not exist; check the path of the file the holder sent.`,
  );
  process.exitCode = 2;
  return true;
}

async function main(): Promise<void> {
  const request = parseLabArguments(process.argv.slice(2));
  switch (request.kind) {
    case 'help':
      console.log(labUsage(request.lang));
      return;
    case 'usage':
      console.error(`${request.problem}\n\n${labUsage(request.lang)}`);
      process.exitCode = 2;
      return;
    case 'list':
      for (const scenario of scenarioCatalogue) console.log(`${scenario.name.padEnd(22)} ${scenario.summary[request.lang]}`);
      return;
    case 'clean':
      await clean(request.lang);
      return;
    case 'run':
      await run(request.scenario, request.lang, request.harness);
      return;
    case 'match':
      if (missingBundle(request.file, request.lang)) return;
      await matchBundle(request.file, bundleOptions(request.lang));
      return;
    case 'from-bundle':
      if (missingBundle(request.file, request.lang)) return;
      await run(await scenarioForBundle(request.file, bundleOptions(request.lang)), request.lang, request.harness);
  }
}

try {
  await main();
} catch (error) {
  // The helpdesk reads what failed, in one line; the stack only when asked (RINNOVO_LAB_DEBUG=1).
  console.error(`lab: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.RINNOVO_LAB_DEBUG) console.error(error);
  process.exit(1);
}
