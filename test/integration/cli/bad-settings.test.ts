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

  it.each([
    ['an option the program does not have', ['status', '--frobnicate'], 'status', 'COMMAND_LINE_INVALID', { word: '--frobnicate' }, "«--frobnicate» non è un comando né un'opzione del programma"],
    ['a command misspelt', ['stauts'], null, 'COMMAND_LINE_INVALID', { word: 'stauts' }, "«stauts» non è un comando"],
    ['no command at all', [], null, 'COMMAND_LINE_INVALID', {}, 'La riga di comando non è valida.'],
    ['a word after the command', ['status', 'extra'], 'status', 'COMMAND_LINE_INVALID', { word: 'extra' }, '«extra» non è un comando'],
    ['--pay without its value', ['renew', '--pay'], 'renew', 'COMMAND_OPTION_INVALID', { option: '--pay' }, "Il valore dell'opzione --pay non è valido."],
    ['--json given a value', ['status', '--json=yes'], 'status', 'COMMAND_OPTION_INVALID', { option: '--json' }, "Il valore dell'opzione --json non è valido."],
  ] as const)('a command line that does not parse (%s): one JSON object with --json, the reason in Italian with the usage, a wrong input', async (_, args, command, code, detail, sentence) => {
    await withTempDir('bad-settings', async (dir) => {
      const result = await runCli([...args, '--json', '--data', join(dir, 'data')], {});
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      expect(result.json).toEqual({ command, ok: false, exitCode: exitCodeFor(code), error: { code, detail }, state: null });
      expect(result.stderr).toContain(sentence);
      if (code === 'COMMAND_LINE_INVALID') expect(result.stderr).toContain('Uso: rinnovo-cns');
      expect(result.stderr).not.toMatch(/Unknown option|argument missing|Unexpected argument/);
      expect(result.code).toBe(exitCodeFor(code));
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
