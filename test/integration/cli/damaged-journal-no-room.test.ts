/**
 * A card with no room, its old CNS pair gone, the CNS issued and charged, the process killed
 * before the certificate reached the card, then the journal damaged (truncated). The next `renew`
 * sets it aside, finds the renewal from the set-aside text, and installs the CNS on the key made
 * for it — read from outside with pkcs11-tool and openssl, and from the lab service's records.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startServiceGateway } from '../../../softhsm/network/service-gateway.js';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario } from '../../../softhsm/scenarios/set-up-scenario.js';
import { certificateOnToken, tokenObjects, verifiesAgainstLab } from '../../support/openssl-view.js';
import { runCli } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { cardLabel, chargedSince, phaseOf, renewActingAt, telemacoBalances, workingPairs } from './kill-and-resume.js';

it('a damaged journal on a card with no room, killed with the CNS issued and not written: the next renew installs it, charged once, told delivered', async () => {
  const temp = await makeTempDir('damaged-no-room');
  const lab = await setUpScenario(findScenario('device-full')!, temp.dir, { toolVersion: '1.0.0' });
  const cns = lab.token.tokens.flatMap((token) => token.objects).find((object) => object.kind === 'cns');
  if (!cns) throw new Error('the lab card has no CNS');
  // The CNS's issuance answer waits on an open line: the service issued and captured, the tool hears nothing.
  const gateway = await startServiceGateway({ pki: lab.pki, target: lab.service.url, losses: [{ method: 'POST', path: new RegExp(`/certificates/${cns.serialHex}/issue$`), how: 'hold', times: 1 }] });
  try {
    const env = { ...lab.env, RINNOVO_SERVICE_URL: gateway.url, RINNOVO_PIN: lab.pin, RINNOVO_ACCOUNT_PASSWORD: lab.account.password };
    const before = telemacoBalances(lab);
    const { acted } = await renewActingAt(lab, env, { name: 'cns csr-submitted', reached: (journal) => phaseOf(journal, 'cns') === 'csr-submitted' }, async (run) => {
      // Killed once the service has answered the issuance (held by the gateway).
      for (let waited = 0; gateway.fired.lost === 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      run.child.kill('SIGKILL');
      return true;
    });
    expect(acted).toBe(true);
    // The old CNS pair went to make room; only the renewed signature works.
    expect(await workingPairs(lab)).toBe(1);
    const line = () => Object.values(lab.service.state().renewals).flatMap((renewal) => renewal.lines).find((entry) => entry.serial === cns.serialHex);
    expect(line()?.progress.state).toBe('issued');

    const journalPath = join(lab.env.RINNOVO_DATA_DIR ?? '', 'journal', `${encodeURIComponent(lab.token.serial)}.json`);
    const text = await readFile(journalPath, 'utf8');
    await writeFile(journalPath, text.slice(0, Math.floor(text.length / 3)));

    const again = await runCli(['renew', '--json', '--pay', 'telemaco', '--user', lab.account.userId], { ...env, RINNOVO_SERVICE_URL: lab.service.url });
    expect(again.json, again.stderr).toMatchObject({ error: { code: 'NOTHING_TO_RENEW' } });
    // The holder reads that the journal was set aside, as the window says it beside the PIN.
    expect(again.stderr).toContain('[JOURNAL_DAMAGED]');
    expect(again.stderr).not.toContain('DEVICE_SINGLE_CERTIFICATE');
    expect(await workingPairs(lab)).toBe(2);
    const certificates = (await tokenObjects(lab.token.environment, cardLabel, lab.pin)).filter((object) => object.type === 'Certificate');
    expect(certificates).toHaveLength(2);
    for (const certificate of certificates) {
      const pem = await certificateOnToken(lab.token.environment, cardLabel, certificate.id);
      expect(await verifiesAgainstLab(lab.pki, certificate.label === 'CNS0' ? 'cns' : 'signature', pem)).toBe(true);
    }
    expect(line()?.progress.state).toBe('downloaded');
    expect(chargedSince(lab, before)).toBe(4000);
  } finally {
    await gateway.close();
    await lab.close();
    await temp.remove();
  }
});
