/** `npm run lab -- --from-bundle FILE` / `--match FILE`: the bundle commands as the lab's requests. */
import { describe, expect, it } from 'vitest';
import { labUsage, parseLabArguments } from '../../../softhsm/lab-arguments.js';

describe('the lab’s bundle options', () => {
  it('rebuild a bundle’s situation (in the browser when asked) or name the closest scenario', () => {
    expect(parseLabArguments(['--from-bundle', 'rinnovo-support.tar.gz', '--harness', '--lang', 'en'])).toEqual({ kind: 'from-bundle', lang: 'en', file: 'rinnovo-support.tar.gz', harness: true });
    expect(parseLabArguments(['--match', 'facts.json'])).toEqual({ kind: 'match', lang: 'it', file: 'facts.json' });
    expect(parseLabArguments(['--from-bundle'])).toMatchObject({ kind: 'usage' });
  });

  it('are in the usage, in both languages', () => {
    expect(labUsage('it')).toContain('--from-bundle FILE');
    expect(labUsage('en')).toContain('--match FILE');
  });
});
