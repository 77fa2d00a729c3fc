// init({ relaxedSimd }): the plain SIMD builds on request (the same results on every machine), the
// relaxed ones back on request, and clear errors for bad options.
import { afterAll, describe, expect, it } from 'vitest';
import * as sl from '../src/index';
import { buildOf, currentBuild, setBuild } from '../src/wasm/instance';
import { crossEntropyModule } from '../src/wasm/modules';

const projectBuild = currentBuild();
afterAll(async () => {
  setBuild(projectBuild);
  await sl.init();
});

const N = 64, C = 100;
const x = { data: Float32Array.from({ length: N * C }, (_, i) => Math.sin(i * 0.731) * 6), shape: [N, C] };
const t = Int32Array.from({ length: N }, (_, i) => (i * 37) % C);
const call = () => {
  const r = sl.crossEntropyWithGrad(x, t);
  return [r.loss, ...Array.from(r.grad.data)];
};

describe('init({ relaxedSimd })', () => {
  it('false keeps the plain SIMD builds: results equal a plain-build run bit for bit; true brings the relaxed ones back', async () => {
    setBuild('simd');
    const plain = call();
    setBuild('relaxed');
    await sl.init({ relaxedSimd: false });
    expect(currentBuild()).toBe('simd');
    expect(buildOf(crossEntropyModule)).toBe('simd');
    expect(call()).toEqual(plain);
    await sl.init(); // no option: the setting stays
    expect(buildOf(crossEntropyModule)).toBe('simd');
    await sl.init({ relaxedSimd: true });
    expect(currentBuild()).toBe('relaxed');
    // relaxed: the engine validates it (Node 22+, or Node 20 with the flag vitest.config.ts passes)
    expect(buildOf(crossEntropyModule)).toBe('relaxed');
    const relaxed = call();
    expect(relaxed.length).toBe(plain.length);
    for (let i = 0; i < plain.length; i++) expect(Math.abs(relaxed[i] - plain[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(plain[i])));
  });

  it('bad options are a TypeError naming init and the option', async () => {
    await expect(sl.init({ relaxedSimd: 'no' } as never)).rejects.toThrow(/^init: options.relaxedSimd must be a boolean; got 'no'$/);
    await expect(sl.init({ relaxed: false } as never)).rejects.toThrow(/^init: unknown option 'relaxed'; the options of init are relaxedSimd, threads$/);
    await expect(sl.init([] as never)).rejects.toThrow(TypeError);
  });
});
