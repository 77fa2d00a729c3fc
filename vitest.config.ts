import { defineConfig } from 'vitest/config';
import { FAMILIES as KERNEL_FAMILIES } from './src/wasm/kernels.ts';
import { FAMILIES as CATALOG_FAMILIES } from './test/catalog.mjs';

// Node 20 validates relaxed SIMD behind a flag (Node 22+ without one, and rejects the flag).
const relaxedFlag = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
// The family suites come from the catalogue (test/catalog.mjs) and the kernel list, so a new family
// is in every project without being named here.
const suite = (name: string) => `test/${name}.test.ts`;
const families = CATALOG_FAMILIES.map((f) => f.name);
// The suites of the families with a relaxed-SIMD build (the kernel list's `relaxed`: fixtures,
// reference, finite differences), and those of the exp/log accuracy, the float32 accuracy bars, the
// builds and the lean path: run on both builds.
const relaxedFamilies = KERNEL_FAMILIES.filter((f) => f.relaxed && families.includes(f.spec.source)).map((f) => f.spec.source);
const FAMILY_SUITES = [...relaxedFamilies, 'simd-math', 'accuracy', 'builds', 'lean'].map(suite);

// The suites the 'threads' project runs with init({ threads: 2 }): every family's, and those of the
// shared paths (resident tensors, the memory limit, gradInto/out, the lean path, reliability).
const THREAD_SUITES = [...families, 'lean', 'memory', 'memory-limit', 'reliability', 'grad-into', 'out', 'training', 'fuzz'].map(suite);

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
