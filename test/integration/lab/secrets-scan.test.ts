/**
 * Every scenario's `close()` scans the tool's data folder for the scenario's PINs and passwords
 * (softhsm/scenarios/secrets-in-files.ts): shown here to fail a scenario whose tool data holds one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario } from '../../../softhsm/scenarios/set-up-scenario.js';
import { makeTempDir } from '../../support/temp-dir.js';

it('a scenario whose tool data holds the account password fails when it closes', async () => {
  const temp = await makeTempDir('secrets-scan');
  try {
    const lab = await setUpScenario(findScenario('renewable')!, temp.dir, { toolVersion: '1.0.0' });
    const logs = join(lab.env.RINNOVO_DATA_DIR ?? '', 'logs');
    await mkdir(logs, { recursive: true });
    await writeFile(join(logs, 'cli.log'), `{"msg":"paying","password":"${lab.account.password}"}\n`);
    await expect(lab.close()).rejects.toThrow(/account password \(as typed\) in .*cli\.log/);
  } finally {
    await temp.remove();
  }
});
