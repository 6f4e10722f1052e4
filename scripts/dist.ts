/**
 * `npm run dist`: the installers for the holders, from a fresh `npm run build`.
 *
 *   npm run dist                 this machine's targets (Windows NSIS, macOS dmg+zip, Linux AppImage+deb)
 *   npm run dist -- --win        one platform (--win, --mac, --linux; several allowed)
 *   npm run dist -- --unsigned   a local trial without signing material; never for holders
 *
 * electron-builder downloads the Electron binary for each target: this works only where
 * github.com is reachable (not on the build machines of this repository).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Configuration } from 'electron-builder';
import { parse as parseYaml } from 'yaml';
import { chamberCasFile, hostTarget, releasePlan, type DistTarget } from './release-config.js';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { win: { type: 'boolean' }, mac: { type: 'boolean' }, linux: { type: 'boolean' }, unsigned: { type: 'boolean', default: false } },
});
const chosen = (['win', 'mac', 'linux'] as const).filter((target) => values[target]);
const targets: DistTarget[] = chosen.length > 0 ? chosen : [hostTarget(process.platform)];

const base = parseYaml(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Configuration;
const plan = releasePlan(base, { targets, unsigned: values.unsigned, env: process.env, chamberCasPresent: existsSync(join(root, chamberCasFile)) });
if (plan.kind === 'refused') {
  console.error('dist: refusing to build installers holders could not verify:');
  for (const reason of plan.reasons) console.error(`  - ${reason}`);
  console.error('dist: set the variables above (README, "Distribuzione"), or pass --unsigned for a local trial.');
  process.exit(2);
}
for (const warning of plan.warnings) console.warn(`dist: ${warning}`);

let artifacts: string[];
try {
  artifacts = await build({
    projectDir: root,
    config: plan.config,
    publish: 'never',
    ...(targets.includes('win') ? { win: [] } : {}),
    ...(targets.includes('mac') ? { mac: [] } : {}),
    ...(targets.includes('linux') ? { linux: [] } : {}),
  });
} finally {
  // electron-builder rebuilt pkcs11js for Electron's ABI in node_modules (or removed it when the
  // headers could not be fetched): build it for Node again, or the CLI, the lab and the tests break.
  spawnSync('npm', ['rebuild', 'pkcs11js'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
}
console.log(`dist: ${artifacts.length} files in release/`);
for (const artifact of artifacts) console.log(`  ${artifact}`);
