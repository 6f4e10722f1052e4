// The import rules of docs/architecture.md («Processes») that a single-file linter cannot see: cycles, and which
// folder may lean on which. `npm run lint` runs it; test/unit/boundaries proves each rule bites.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'A cycle makes two modules one idea in two files: split out what both need, or let one side receive it.',
      from: { path: '^(src|softhsm|scripts)/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'Two folders that import each other are one capability in two places: move what both need to the lower one.',
      scope: 'folder',
      from: { path: '^(src|softhsm|scripts)/' },
      to: { circular: true },
    },
    {
      name: 'lab-is-independent',
      severity: 'error',
      comment: 'softhsm/ is the counterpart the client is tested against: it shares only the contract (src/shared), never client code.',
      from: { path: '^softhsm/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'app-never-imports-the-lab',
      severity: 'error',
      comment: 'The shipped tool does not carry the lab.',
      from: { path: '^src/' },
      to: { path: '^(softhsm|test)/' },
    },
    {
      name: 'renderer-never-main',
      severity: 'error',
      comment: 'The renderer talks to the main process only through the contract (window.rinnovo).',
      from: { path: '^src/renderer/' },
      to: { path: '^src/(main|preload)/' },
    },
    {
      name: 'shared-imports-no-process',
      severity: 'error',
      comment: 'src/shared is imported by every process and imports none of them.',
      from: { path: '^src/shared/' },
      to: { path: '^(src/(main|renderer|preload)|softhsm)/' },
    },
    {
      name: 'services-never-electron',
      severity: 'error',
      comment: 'Only src/main/electron/ and src/preload touch Electron; services receive its capabilities through interfaces.',
      from: { path: '^(src|softhsm|scripts)/', pathNot: '^src/(main/electron|preload)/' },
      to: { path: ['(^|/)node_modules/electron(-updater)?/', '^src/main/electron/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|test-output|\\.lab|softhsm/simulator/build)/' },
    tsPreCompilationDeps: true,
    // Resolve the `.js` suffixes of ESM TypeScript imports to their `.ts` sources.
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
    cache: false,
  },
};
