/**
 * The CLI starts the device process before it loads its program when the command line names a
 * command that reaches the device; the guess is read before the CLI's own parser is loaded.
 */
import { describe, expect, it } from 'vitest';
import { mayUseDevice, usesDevice } from '../../../src/main/cli/command-names.js';

describe('the early guess at the device', () => {
  it.each([
    [['renew', '--pay', 'telemaco', '--user', 'mrossi'], true],
    [['--lang', 'en', 'status'], true],
    [['--json', 'doctor'], true],
    [['resume', '--pay', 'card'], true],
    [['support-bundle'], false],
    [['support-bundle', '--fiscal-code-in-clear'], false],
    [['renew', '--help'], false],
    [['-h'], false],
    [['renova'], false],
    [[], false],
  ])('%j → %s', (argv, expected) => {
    expect(mayUseDevice(argv)).toBe(expected);
  });

  it('takes an option value spelt like a command for one: a process started for nothing, which the CLI ends once it has parsed the line', () => {
    expect(usesDevice('support-bundle')).toBe(false);
    expect(mayUseDevice(['support-bundle', '--user', 'status'])).toBe(true);
  });
});
