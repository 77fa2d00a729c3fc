// The two builds of the hot families: plain SIMD, and relaxed SIMD (fused multiply-add in the
// exp/log polynomials, relaxed min/max), which init() loads where the engine validates it. The
// 'simd' project of vitest.config.ts runs the family suites again on the plain build.
import { describe, expect, it } from 'vitest';
import { crossEntropy, init, softmax } from '../src/index';
import { buildOf, setBuild } from '../src/wasm/instance';
import { binaryCrossEntropyModule, boxIouModule, crossEntropyModule, regressionModule, softmaxModule } from '../src/wasm/modules';
import { mathModule } from '../src/wasm/modules/math';

const HOT = [crossEntropyModule, softmaxModule, binaryCrossEntropyModule];
// f32x4.relaxed_madd in a function that returns it: valid only where the engine has relaxed SIMD
const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0, 65, 0, 253, 15, 65, 0, 253, 15, 65, 0, 253, 15, 253, 133, 2, 11]);

describe('kernel builds', () => {
  it('the suite runs on the build its project names', () => {
    const want = process.env.SIMDLOSS_BUILD === 'simd' ? 'simd' : 'relaxed';
    // vitest.config.ts gives Node 20 the flag; Node 22+ validates relaxed SIMD without one
    expect(WebAssembly.validate(RELAXED_PROBE)).toBe(true);
    for (const m of [...HOT, mathModule]) expect(buildOf(m), m.name).toBe(want); // math: test/simd-math.test.ts's exp and log
    for (const m of [regressionModule, boxIouModule]) expect(buildOf(m), m.name).toBe('simd'); // one build only
  });

  it('both builds give the same losses to float32 rounding', async () => {
    const N = 64, C = 1000;
    const x = new Float32Array(N * C).map((_, i) => Math.sin(i * 0.37) * 8);
    const t = Int32Array.from({ length: N }, (_, i) => (i * 37) % C);
    setBuild('simd');
    const plain = { ce: crossEntropy({ data: x, shape: [N, C] }, t, { reduction: 'none' }), sm: softmax({ data: x, shape: [N, C] }) };
    setBuild('relaxed');
    await init();
    expect(buildOf(crossEntropyModule)).toBe('relaxed');
    const relaxed = { ce: crossEntropy({ data: x, shape: [N, C] }, t, { reduction: 'none' }), sm: softmax({ data: x, shape: [N, C] }) };
    for (let i = 0; i < N; i++) expect(Math.abs(relaxed.ce.data[i] - plain.ce.data[i])).toBeLessThanOrEqual(4e-7 * Math.abs(plain.ce.data[i]) + 1e-7);
    for (let i = 0; i < N * C; i++) expect(Math.abs(relaxed.sm.data[i] - plain.sm.data[i])).toBeLessThanOrEqual(4e-7 * plain.sm.data[i] + 1e-30);
    if (process.env.SIMDLOSS_BUILD === 'simd') setBuild('simd');
  });
});
