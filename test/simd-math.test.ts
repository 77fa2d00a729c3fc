// The vector exp, log and sigmoid of assembly/simd/math.ts against Math.exp / Math.log, at the
// error bounds stated in that file's header.
import { describe, expect, it } from 'vitest';
import { sigmoid } from '../src/index';
import { Arena } from '../src/wasm/arena';
import { loadModule, sharedMemory } from '../src/wasm/instance';
import { kernel } from '../src/wasm/kernels';
import { mathModule } from '../src/wasm/modules/math';

const k = loadModule(mathModule)!;
const arena = new Arena(sharedMemory());

/** Max ulp distance between got and the correctly rounded want, in the dtype. */
function maxUlp(got: Float32Array | Float64Array, want: number[]): number {
  const f32 = got instanceof Float32Array;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const w = f32 ? Math.fround(want[i]) : want[i];
    if (got[i] === w) continue;
    if (f32) {
      const b = new Int32Array(new Float32Array([got[i], w]).buffer);
      worst = Math.max(worst, Math.abs(b[0] - b[1]));
    } else {
      const b = new BigInt64Array(new Float64Array([got[i], w]).buffer);
      worst = Math.max(worst, Number(b[0] > b[1] ? b[0] - b[1] : b[1] - b[0]));
    }
  }
  return worst;
}

function apply(name: 'exp' | 'log', dtype: 'float32' | 'float64', xs: number[]): Float32Array | Float64Array {
  arena.reset('test');
  const n = Math.ceil(xs.length / 4) * 4; // the test kernels process whole vectors
  const px = arena.floats(dtype, n);
  const py = arena.floats(dtype, n);
  arena.view(dtype, px, n).set(xs);
  kernel(k, name, dtype)(n, px, py);
  return arena.copyOut(dtype, py, xs.length);
}

const grid = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

describe('vector exp and log', () => {
  it('f32 exp: at most 1 ulp on [-87.3, 0] and [-10, 10]', () => {
    for (const xs of [grid(-87.3, 0, 1 << 16), grid(-10, 10, 1 << 16)].map((g) => g.map(Math.fround))) {
      expect(maxUlp(apply('exp', 'float32', xs), xs.map(Math.exp))).toBeLessThanOrEqual(1);
    }
  });

  it('f64 exp: at most 1 ulp on [-708, 0] and [-1, 1]', () => {
    for (const xs of [grid(-708, 0, 1 << 16), grid(-1, 1, 1 << 16)]) {
      expect(maxUlp(apply('exp', 'float64', xs), xs.map(Math.exp))).toBeLessThanOrEqual(1);
    }
  });

  it('log: at most 1 ulp from subnormals to 1e30, both dtypes', () => {
    const xs32 = [...grid(-100, 69, 1 << 15).map(Math.exp), 1e-45, 1e-40, 1.1754942e-38].map(Math.fround);
    expect(maxUlp(apply('log', 'float32', xs32), xs32.map(Math.log))).toBeLessThanOrEqual(1);
    const xs64 = [...grid(-700, 700, 1 << 15).map(Math.exp), 5e-324, 1e-310];
    expect(maxUlp(apply('log', 'float64', xs64), xs64.map(Math.log))).toBeLessThanOrEqual(1);
  });

  it('f32 sigmoid: at most 1 ulp on [-87.3, 88] and [-10, 10] (the public sigmoid, wasm-simd)', () => {
    for (const xs of [grid(-87.3, 88, 1 << 16), grid(-10, 10, 1 << 16)].map((g) => g.map(Math.fround))) {
      const got = sigmoid({ data: Float32Array.from(xs), shape: [xs.length] }).data as Float32Array;
      expect(maxUlp(got, xs.map((x) => 1 / (1 + Math.exp(-x))))).toBeLessThanOrEqual(1);
    }
  });

  it('special values: exp(-inf) = 0, exp(NaN) = NaN, log(0) = -inf, log(<0) = NaN, log(inf) = inf', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      expect(Array.from(apply('exp', dtype, [-Infinity, NaN, 0, -1000]))).toEqual([0, NaN, 1, 0]);
      expect(Array.from(apply('log', dtype, [0, -1, Infinity, NaN, 1]))).toEqual([-Infinity, NaN, Infinity, NaN, 0]);
    }
  });
});
