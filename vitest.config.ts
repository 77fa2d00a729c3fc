import { defineConfig } from 'vitest/config';

// Node 20 validates relaxed SIMD behind a flag (Node 22+ without one, and rejects the flag).
const relaxedFlag = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
// The suites of the families with a relaxed-SIMD build (fixtures, reference, finite differences, the
// exp/log accuracy, the float32 accuracy bars): run on both builds.
const FAMILY_SUITES = ['softmax', 'cross-entropy', 'binary-cross-entropy', 'simd-math', 'accuracy', 'builds', 'lean'].map((f) => `test/${f}.test.ts`);

// The suites the 'threads' project runs with init({ threads: 2 }): every family's, and those of the
// shared paths (resident tensors, the memory limit, gradInto/out, the lean path, reliability).
const THREAD_SUITES = [
  'softmax', 'cross-entropy', 'binary-cross-entropy', 'regression', 'cosine-similarity', 'kl-div', 'margin', 'multi-margin',
  'focal', 'distance', 'ctc', 'box-iou', 'likelihood', 'softmax-focal', 'image-quality', 'dice', 'lean', 'memory', 'memory-limit', 'reliability', 'grad-into', 'out', 'training', 'fuzz',
].map((f) => `test/${f}.test.ts`);

// Suites that do not call the library's kernels (the build, the package, the types, the browsers).
const GROWTH_SKIPS = ['test/browser/**', 'test/layers.test.ts', 'test/gc.test.ts', 'test/bench-smoke.test.ts', 'test/bundle-size.test.ts', 'test/package-page.test.ts', 'test/types.test.ts', 'test/readme.test.ts', 'test/builds.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    execArgv: relaxedFlag,
    setupFiles: ['test/helpers/build-setup.ts'],
    // The JSON report is what .ci/run counts from.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      { extends: true, test: { name: 'relaxed', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'simd', include: FAMILY_SUITES, env: { SIMDLOSS_BUILD: 'simd' } } },
      // Every suite that calls the library once more with every allocation detaching wasm memory's
      // buffer (Arena.forceGrowth): a view kept across an allocation fails here every time.
      { extends: true, test: { name: 'growth', include: ['test/**/*.test.ts'], exclude: GROWTH_SKIPS, env: { SIMDLOSS_FORCE_GROWTH: '1' } } },
      // The family suites once more on two threads (test/helpers/build-setup.ts): every call of more
      // than one block runs in parallel, copied operands included, and must still pass.
      { extends: true, test: { name: 'threads', include: THREAD_SUITES, env: { SIMDLOSS_THREADS: '2' } } },
    ],
  },
});
