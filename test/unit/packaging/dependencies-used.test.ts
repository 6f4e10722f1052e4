/**
 * Every runtime dependency is imported by the code that ships (DESIGN: a dependency nothing
 * imports is removed — it is still installed on every holder's machine, and still scanned,
 * patched and trusted). proxy-agent was one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.(ts|tsx|mjs|js)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

describe('the runtime dependencies', () => {
  it('are each imported by src/ or bin/', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const code = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'bin'))].map((file) => readFileSync(file, 'utf8')).join('\n');
    const unused = Object.keys(manifest.dependencies).filter((name) => {
      const quoted = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      return !new RegExp(`(?:from|import|require)\\s*\\(?\\s*['"]${quoted}(?:/[^'"]*)?['"]`).test(code);
    });
    expect(unused).toEqual([]);
  });
});
