// The layers of src/ (docs/CONTRACT.md, "Layers"), checked by `npx depcruise src` in npm test
// (test/layers.test.ts). Type-only imports count: a layer that names another's types depends on it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No import cycles in src/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'reference-imports-leaves',
      comment: 'The float64 references (the oracle) import only the leaves: types, errors, and their own shared parts. A reference that shared code with a kernel\'s wrapper could not catch its bug.',
      severity: 'error',
      from: { path: '^src/reference/' },
      to: { path: '^src/', pathNot: ['^src/reference/', '^src/types\\.ts$', '^src/errors\\.ts$'] },
    },
    {
      name: 'losses-do-not-own-memory',
      comment: 'A loss never allocates or keeps wasm memory: the runtime does (src/wasm/runtime.ts, direct.ts).',
      severity: 'error',
      from: { path: '^src/losses/' },
      to: { path: '^src/wasm/(arena|resident)\\.ts$' },
    },
    {
      name: 'checks-know-no-memory',
      comment: 'Option checks and shape helpers know nothing of wasm memory or the backend.',
      severity: 'error',
      from: { path: '^src/(options|shapes)\\.ts$' },
      to: { path: ['^src/wasm/', '^src/backend\\.ts$'] },
    },
    {
      name: 'leaves-are-leaves',
      comment: 'types.ts and errors.ts import nothing of the library but each other.',
      severity: 'error',
      from: { path: '^src/(types|errors)\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(types|errors)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/wasm/modules/' },
  },
};
