/**
 * A setting the CLI cannot use (an address that is none, a number that is not one, a CA bundle
 * that is not there) is named with what to do, in the holder's language, and the command ends
 * with the code of a wrong input — never "unexpected error" and its exit code.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/main/cli/exit-codes.js';
import { runCli } from '../../support/run-cli.js';
import { withTempDir } from '../../support/temp-dir.js';

describe('rinnovo-cns with a setting it cannot use', () => {
  it.each([
    ['RINNOVO_CARD_WAIT_SECONDS=abc', [], { RINNOVO_CARD_WAIT_SECONDS: 'abc' }, 'RINNOVO_CARD_WAIT_SECONDS'],
    ['--service notaurl', ['--service', 'notaurl'], {}, 'RINNOVO_SERVICE_URL'],
    ['--ca on a file that is not there', ['--ca', '/nonexistent/ca.pem'], {}, 'RINNOVO_CA_BUNDLE'],
    ['--chamber-cas on a file that is not there', ['--chamber-cas', '/nonexistent/cas.pem'], {}, 'RINNOVO_CHAMBER_CAS'],
  ] as const)('%s: names it, and ends as a wrong input', async (_, args, env, variable) => {
    await withTempDir('bad-settings', async (dir) => {
      const result = await runCli(['status', ...args, '--data', join(dir, 'data')], env);
      expect(result.stderr).toContain(`Il valore dell'opzione ${variable} non è valido.`);
      expect(result.stderr).toContain('[COMMAND_OPTION_INVALID');
      expect(result.stderr).not.toContain('INTERNAL_ERROR');
      expect(result.code).toBe(exitCodeFor('COMMAND_OPTION_INVALID'));
    });
  });

  it.each([
    ['--pay paypal', ['renew', '--pay', 'paypal'], '--pay', 'renew'],
    ['--only both', ['renew', '--pay', 'card', '--only', 'both'], '--only', 'renew'],
    ['--proxy with a user name and password (they would stay in the shell\'s history and show in every process list)', ['doctor', '--proxy', 'http://mrossi:Segreta1@proxy.example:3128'], '--proxy', 'doctor'],
    ['--pay paypal, after a user id that spells a command', ['--user', 'status', 'renew', '--pay', 'paypal'], '--pay', 'renew'],
  ] as const)('an option refused before the command runs (%s): named, a wrong input, and one JSON object with --json', async (_, args, option, command) => {
    await withTempDir('bad-settings', async (dir) => {
      const result = await runCli([...args, '--json', '--data', join(dir, 'data')], {});
      expect(result.json).toMatchObject({ command, ok: false, error: { code: 'COMMAND_OPTION_INVALID', detail: { option } } });
      expect(result.stderr).toContain(`Il valore dell'opzione ${option} non è valido.`);
      expect(result.code).toBe(exitCodeFor('COMMAND_OPTION_INVALID'));
    });
  });

  it('a data folder it cannot write to (a file where the folder should be): said as such, a wrong input, never an unexpected error', async () => {
    await withTempDir('bad-settings', async (dir) => {
      const notAFolder = join(dir, 'data');
      await writeFile(notAFolder, 'a file, not a folder\n');
      const result = await runCli(['status', '--json', '--data', notAFolder], {});
      expect(result.json).toMatchObject({ command: 'status', ok: false, error: { code: 'DATA_FOLDER_UNUSABLE' } });
      expect(result.stderr).toContain('Il programma non può scrivere nella sua cartella dei dati.');
      expect(result.stderr).not.toContain('INTERNAL_ERROR');
      expect(result.code).toBe(exitCodeFor('DATA_FOLDER_UNUSABLE'));
    });
  });

  it('says it in English with --lang en, and as one JSON object with --json', async () => {
    await withTempDir('bad-settings', async (dir) => {
      const result = await runCli(['status', '--lang', 'en', '--json', '--service', 'notaurl', '--data', join(dir, 'data')], {});
      expect(result.stderr).toContain('The value of the option RINNOVO_SERVICE_URL is not valid.');
      expect(result.json).toMatchObject({ ok: false, error: { code: 'COMMAND_OPTION_INVALID', detail: { option: 'RINNOVO_SERVICE_URL' } } });
    });
  });
});
