// The Node options the `rinnovo-cns` command starts with: those of its shebang (bin/rinnovo-cns.cjs),
// which is where the helpdesk's command gets them (npm's shims, Windows' included, pass them on).
// Whatever else starts the bundled CLI — the build's code cache run, the tests, the benches — starts
// it with the same ones: V8 accepts a code cache only under the flags it was written with, so a
// process started otherwise would compile the bundle anew and write its own cache over the others'.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'rinnovo-cns.cjs');

/** The options after `node` on the bin's first line, e.g. ['--min-semi-space-size=16']. */
export function cliNodeFlags() {
  const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env\s+(?:-S\s+)?node((?:\s+--\S+)*)\s*$/.exec(shebang);
  if (!match) throw new Error(`${bin}: its first line is not "#!/usr/bin/env -S node [--option…]": ${shebang}`);
  return match[1].split(/\s+/).filter(Boolean);
}
