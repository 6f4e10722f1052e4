/**
 * The process boundaries of docs/architecture.md («Processes») are held by the checkers, not by trust: these tests run
 * ESLint and the TypeScript compiler on fixtures that cross a line, and on one that does not.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'boundaries');

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

function typeErrors(tsconfig: string, fixture: string): string[] {
  const configPath = join(root, tsconfig);
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, dirname(configPath));
  const program = ts.createProgram([join(fixtures, fixture)], parsed.options);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('lint boundaries', () => {
  it('refuses electron in a service', async () => {
    const messages = await lintAs('src/main/token/fixture.ts', "import { app } from 'electron';\nexport const a = app;\n");
    expect(messages.join('\n')).toMatch(/no-restricted-imports: .*Only src\/main\/electron\//);
  });

  it('refuses electron-updater outside src/main/electron', async () => {
    const messages = await lintAs('src/main/updates/fixture.ts', "import { autoUpdater } from 'electron-updater';\nexport const u = autoUpdater;\n");
    expect(messages.join('\n')).toMatch(/no-restricted-imports/);
  });

  it('allows electron in src/main/electron and the preload', async () => {
    expect(await lintAs('src/main/electron/fixture.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(await lintAs('src/preload/fixture.ts', "import { contextBridge } from 'electron';\nexport const c = contextBridge;\n")).toEqual([]);
  });

  it('refuses the renderer importing the main process', async () => {
    const code = readFileSync(join(fixtures, 'renderer-imports-main.ts'), 'utf8').replace('../../../src/main/', '../../main/');
    const messages = await lintAs('src/renderer/screens/fixture.ts', code);
    expect(messages.join('\n')).toMatch(/no-restricted-imports: .*only through the contract/);
  });

  it('refuses Node built-ins in shared code', async () => {
    const messages = await lintAs('src/shared/fixture.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n");
    expect(messages.join('\n')).toMatch(/no-restricted-imports: .*Node built-ins/);
  });
});

describe('type boundaries', () => {
  it('shared code cannot see Node', () => {
    expect(typeErrors('src/shared/tsconfig.json', 'shared-uses-node.ts').join('\n')).toMatch(/Cannot find name 'process'/);
  });

  it('renderer code cannot compile main-process code into itself', () => {
    expect(typeErrors('src/renderer/tsconfig.json', 'renderer-imports-main.ts').join('\n')).toMatch(/Cannot find module 'node:/);
  });

  it('renderer code that uses only the contract compiles', () => {
    expect(typeErrors('src/renderer/tsconfig.json', 'renderer-clean.ts')).toEqual([]);
  });
});
