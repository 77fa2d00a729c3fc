// Comparing results computed in two JavaScript engines. The wasm kernels give the same bits
// everywhere (IEEE arithmetic); code that calls Math.exp/log/pow (the float64 reference, the
// 'js' backend) may differ in the last bit between engines, whose Math functions are not
// correctly rounded and not all the same. Such results are compared to a few ulps of their dtype.
import { expect } from 'vitest';

/** Largest difference allowed, relative to max(1, |a|, |b|): a few ulps of the dtype (sums and gradients accumulate a few). */
const TOLERANCE = { float32: 4 * 2 ** -23, float64: 64 * 2 ** -52 };

function close(a: unknown, b: unknown, rel: number, path: string, out: string[]): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > rel * Math.max(1, Math.abs(a), Math.abs(b))) out.push(`${path}: ${a} vs ${b}`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: length ${a.length} vs ${b.length}`);
    else a.forEach((v, i) => close(v, b[i], rel, `${path}[${i}]`, out));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a as object).sort();
    expect(keys, path).toEqual(Object.keys(b as object).sort());
    for (const k of keys) close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rel, `${path}.${k}`, out);
    return;
  }
  if (a !== b) out.push(`${path}: ${String(a)} vs ${String(b)}`);
}

/** Expects every result of `actual` within a few ulps of `expected` (keys start with their dtype, as runCalls names them). */
export function expectCloseResults(actual: Record<string, unknown>, expected: Record<string, unknown>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  const off: string[] = [];
  for (const [key, value] of Object.entries(expected)) {
    close(actual[key], value, key.startsWith('float32') ? TOLERANCE.float32 : TOLERANCE.float64, key, off);
  }
  expect(off).toEqual([]);
}
