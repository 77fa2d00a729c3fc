// Random inputs, finite differences, and the sizes every kernel is tried at.
import type { Dtype, FloatArray } from '../../src/types';

/** Whether the runtime has Float16Array (Node 24, current browsers; not Node 20): messages that list the float dtypes name it there. */
export const HALF = typeof (globalThis as { Float16Array?: unknown }).Float16Array === 'function';

/** Sizes around the vector widths (4 f32 lanes, 16 per unrolled iteration) and a large one. */
export const KERNEL_SIZES = [0, 1, 3, 4, 5, 15, 16, 17, 33, 1031];

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
export { rng } from '../random.mjs';

export function randomFloats(dtype: Dtype, n: number, random: () => number, lo = -3, hi = 3): FloatArray {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * random();
  return a;
}

/**
 * Central finite differences of a scalar function f of the array x (float64), element by element.
 * Returns the numerical gradient; f must not keep x.
 */
export function finiteDifference(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    x[i] = xi + h;
    const up = f(x);
    x[i] = xi - h;
    const down = f(x);
    x[i] = xi;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}
