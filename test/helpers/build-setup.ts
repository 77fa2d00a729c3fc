// Which kernel build the suite runs on (vitest.config.ts): SIMDLOSS_BUILD=simd forces the plain
// SIMD build; otherwise init() loads the relaxed-SIMD build of the hot families, used where the
// engine validates it (Node 20 with --experimental-wasm-relaxed-simd, Node 22+).
import { init } from '../../src/index';
import { setBuild } from '../../src/wasm/instance';
import '../../src/wasm/modules/math'; // registered before init(), which then loads its relaxed build too (test/simd-math.test.ts)

if (process.env.SIMDLOSS_BUILD === 'simd') setBuild('simd');
else await init();
