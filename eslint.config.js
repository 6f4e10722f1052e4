// The layering rules of docs/architecture.md («Processes»), held by the linter rather than by reviewers.
import tseslint from 'typescript-eslint';

const electronOnly = {
  paths: [
    { name: 'electron', message: 'Only src/main/electron/ and src/preload may import electron: services receive Electron capabilities through interfaces.' },
    { name: 'electron-updater', message: 'Only src/main/electron/ may import electron-updater.' },
  ],
  patterns: [{ group: ['electron/*'], message: 'Only src/main/electron/ and src/preload may import electron.' }],
};

const noMainFromRenderer = {
  group: ['**/main/**', '**/main', '../main/*', 'src/main/*'],
  message: 'The renderer talks to the main process only through the contract (window.rinnovo).',
};

const nodeBuiltins = {
  group: ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'stream', 'url', 'util', 'events', 'tls', 'dns', 'worker_threads'],
  message: 'src/shared runs in every process: it may not use Node built-ins.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'coverage/**', 'release/**', 'softhsm/simulator/build/**', '.lab/**', 'test/fixtures/boundaries/**', 'test/fixtures/insecure-window/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.property.name='only'][callee.object.name=/^(it|test|describe)$/]", message: 'A focused test silently skips every other test.' }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx', 'softhsm/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/main/electron/**', 'src/preload/**', 'test/unit/electron/**'],
    rules: { 'no-restricted-imports': ['error', electronOnly] },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', { ...electronOnly, patterns: [...electronOnly.patterns, noMainFromRenderer, nodeBuiltins] }] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: electronOnly.paths,
        patterns: [...electronOnly.patterns, noMainFromRenderer, nodeBuiltins,
          { group: ['**/renderer/**', '**/preload/**', 'react', 'react-dom', 'zustand'], message: 'src/shared is imported by every process and imports none of them.' }],
      }],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noMainFromRenderer, nodeBuiltins] }] },
  },
);
