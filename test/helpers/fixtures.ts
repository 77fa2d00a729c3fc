// Loading the PyTorch fixtures (docs/CONTRACT.md) and comparing results with stated tolerances.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Dtype, FloatArray, Tensor } from '../../src/types';

const here = dirname(fileURLToPath(import.meta.url));

export type Num = number | 'NaN' | 'Infinity' | '-Infinity';
export interface FixtureTensor { kind?: 'float' | 'index'; shape: number[]; data: Num[] }
export interface FixtureCase {
  name: string;
  fn: string;
  args: FixtureTensor[];
  options?: Record<string, unknown>;
  gradOutput?: FixtureTensor;
  expected?: { loss: Num | FixtureTensor; grads?: FixtureTensor[] };
  throws?: string;
  note?: string;
}
export interface Fixture { torch: string; family: string; cases: FixtureCase[] }

export function loadFixture(family: string): Fixture {
  return JSON.parse(readFileSync(join(here, '..', 'fixtures', 'torch', `${family}.json`), 'utf8')) as Fixture;
}

export function num(v: Num): number {
  return typeof v === 'number' ? v : Number(v);
}

function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
}

/** A fixture float tensor as a { data, shape } of dtype (inputs are float32 values: fround). */
export function floatTensor(t: FixtureTensor, dtype: Dtype): Tensor {
  const values = t.data.map((v) => Math.fround(num(v)));
  return { data: dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values), shape: t.shape };
}

/** A fixture index tensor as an Int32Array-backed tensor, or BigInt64Array if `big`. */
export function indexTensor(t: FixtureTensor, big = false): Tensor<Int32Array | BigInt64Array> {
  const values = t.data.map(num);
  return { data: big ? BigInt64Array.from(values.map(BigInt)) : Int32Array.from(values), shape: t.shape };
}

/** Arguments and options of a case in dtype: fixture tensors become simdloss tensors. */
export function caseArgs(c: FixtureCase, dtype: Dtype): { args: unknown[]; options: Record<string, unknown> } {
  const conv = (v: unknown): unknown => {
    // JSON has no Infinity or NaN: number options such as p = ∞ are stored as strings.
    if (v === 'Infinity' || v === '-Infinity' || v === 'NaN') return Number(v);
    if (!isFixtureTensor(v)) return v;
    return v.kind === 'index' ? indexTensor(v) : floatTensor(v, dtype);
  };
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.options ?? {})) options[k] = conv(v);
  return { args: c.args.map(conv), options };
}

/**
 * Tolerances, stated once. Inputs are exact in both dtypes; PyTorch's expected values are float64.
 * |got - want| <= atol + rtol·|want|, with atol scaled by the case's magnitude (largest |input|, at
 * least 1) because a float32 log-sum-exp of logits ~1e4 carries ~1e4·2^-24 of absolute rounding.
 */
export const TOLERANCE: Record<Dtype, { rtol: number; atol: number }> = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  float64: { rtol: 1e-10, atol: 1e-12 },
};

export function caseScale(c: FixtureCase): number {
  let m = 1;
  for (const a of c.args) if (a.kind !== 'index') for (const v of a.data) { const x = Math.abs(num(v)); if (Number.isFinite(x) && x > m) m = x; }
  return m;
}

/** Asserts every element of got matches want (NaN matches NaN, ±Infinity exactly). */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, dtype: Dtype, what: string, scale = 1): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const { rtol, atol } = TOLERANCE[dtype];
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      expect(Object.is(g, w) || (Number.isNaN(w) && Number.isNaN(g)), `${what}[${i}]: got ${g}, want ${w}`).toBe(true);
      continue;
    }
    const tol = atol * scale + rtol * Math.abs(w);
    if (!(Math.abs(g - w) <= tol)) {
      expect.fail(`${what}[${i}]: got ${g}, want ${w} (|diff| ${Math.abs(g - w)} > tol ${tol}, ${dtype})`);
    }
  }
}

/** Compares a simdloss result (number or Tensor) with a fixture's expected loss. */
export function expectLoss(got: number | Tensor, want: Num | FixtureTensor, dtype: Dtype, what: string, scale = 1): void {
  if (isFixtureTensor(want)) {
    expect(typeof got, `${what}: result kind`).toBe('object');
    const t = got as Tensor;
    expect(Array.from(t.shape), `${what}: shape`).toEqual(want.shape);
    expect(t.data instanceof (dtype === 'float32' ? Float32Array : Float64Array), `${what}: dtype`).toBe(true);
    expectClose(t.data, want.data.map(num), dtype, what, scale);
  } else {
    expect(typeof got, `${what}: result kind`).toBe('number');
    expectClose([got as number], [num(want)], dtype, what, scale);
  }
}

/** Compares gradients (one per differentiated float argument) with the fixture's. */
export function expectGrads(got: Tensor[], want: FixtureTensor[], dtype: Dtype, what: string, scale = 1): void {
  expect(got.length, `${what}: number of grads`).toBe(want.length);
  want.forEach((w, i) => {
    expect(Array.from(got[i].shape), `${what}: grads[${i}] shape`).toEqual(w.shape);
    expectClose(got[i].data as FloatArray, w.data.map(num), dtype, `${what}: grads[${i}]`, scale);
  });
}
