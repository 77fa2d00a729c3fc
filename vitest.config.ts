import { defineConfig } from 'vitest/config';

// Node 20 validates relaxed SIMD behind a flag (Node 22+ without one, and rejects the flag).
const relaxedFlag = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
// The suites of the families with a relaxed-SIMD build (fixtures, reference, finite differences, the
// exp/log accuracy, the float32 accuracy bars): run on both builds.
const FAMILY_SUITES = ['softmax', 'cross-entropy', 'binary-cross-entropy', 'simd-math', 'accuracy', 'builds'].map((f) => `test/${f}.test.ts`);

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
    ],
  },
});
