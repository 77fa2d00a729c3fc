// Which kernel build the suite runs on (vitest.config.ts): SIMDLOSS_BUILD=simd forces the plain
// SIMD build; otherwise init() loads the relaxed-SIMD build of the hot families, used where the
// engine validates it (Node 20 with --experimental-wasm-relaxed-simd, Node 22+).
import { init } from '../../src/index';
import { Arena } from '../../src/wasm/arena';
import { setBuild } from '../../src/wasm/instance';
import { tuning } from '../../src/wasm/runtime';
import '../../src/wasm/modules/math'; // registered before init(), which then loads its relaxed build too (test/simd-math.test.ts)

if (process.env.SIMDLOSS_BUILD === 'simd') setBuild('simd');
else await init();

// The 'growth' project (vitest.config.ts): every allocation detaches the memory's buffer.
if (process.env.SIMDLOSS_FORCE_GROWTH === '1') Arena.forceGrowth = true;

// The 'threads' project (vitest.config.ts): workers, and every call of more than one block split
// among them (copied operands and small calls included), results compared with the same fixtures.
if (process.env.SIMDLOSS_THREADS) {
  await init({ threads: Number(process.env.SIMDLOSS_THREADS) });
  Object.assign(tuning, { parallelMinBytes: 0, copiedShare: 1 });
}
