/**
 * `npm run lab -- --scenario NAME`: sets one scenario up from nothing in a fresh folder under
 * .lab/ and starts the tool against it — the Electron window where Electron is installed,
 * otherwise the same app served to a browser (its address is printed). `--list` lists them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { findScenario, scenarioCatalogue } from './scenarios/scenario-catalogue.js';
import { setUpScenario } from './scenarios/set-up-scenario.js';

const root = join(import.meta.dirname, '..');

function electronBinary(): string | undefined {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const binary = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim());
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scenario: { type: 'string', default: 'renewable' }, list: { type: 'boolean', default: false }, lang: { type: 'string', default: 'it' }, harness: { type: 'boolean', default: false } },
  });
  const english = values.lang === 'en';
  if (values.list) {
    for (const scenario of scenarioCatalogue) console.log(`${scenario.name.padEnd(22)} ${english ? scenario.summary.en : scenario.summary.it}`);
    return;
  }
  const scenario = findScenario(values.scenario);
  if (!scenario) {
    console.error(`Unknown scenario "${values.scenario}". Scenarios: ${scenarioCatalogue.map((entry) => entry.name).join(', ')}`);
    process.exit(2);
  }
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = join(root, '.lab', `${scenario.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(dir, { recursive: true });
  const lab = await setUpScenario(scenario, dir, { toolVersion: version });

  if (!existsSync(join(root, 'dist', 'renderer', 'index.html')) || !existsSync(join(root, 'dist', 'main', 'harness-main.mjs'))) {
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }

  console.log(`\nScenario: ${scenario.name} — ${english ? scenario.summary.en : scenario.summary.it}`);
  console.log(`Folder:   ${dir}`);
  console.log(`PIN:      ${lab.pin}    Telemaco/Iconto: ${lab.account.userId} / ${lab.account.password}`);
  console.log(`Expected: ${scenario.expected.outcome === 'renewed' ? 'renewal completed' : scenario.expected.code}`);
  if (lab.proxy) console.log(`Proxy:    ${lab.proxy.host}:${lab.proxy.port}  user ${lab.proxy.username} / ${lab.proxy.password} (enter them in "Configura Proxy")`);
  console.log('The same scenario from the terminal:');
  const exports = Object.entries(lab.env).map(([name, value]) => `${name}='${value}'`).join(' ');
  console.log(`  ${exports} npm run cli -- doctor\n`);

  const electron = values.harness ? undefined : electronBinary();
  const env = { ...process.env, ...lab.env };
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

await main();
