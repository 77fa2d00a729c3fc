// The differential fuzzer (test/fuzz/fuzz.mjs) at a fixed seed and a modest count, so `npm test`
// stays fast; `npm run fuzz -- --cases N --seed S` runs it at scale against the built package.
import { describe, expect, it } from 'vitest';
import * as lib from '../src/index';
import { FUZZED, runFuzz } from './fuzz/fuzz.mjs';

describe('differential fuzzer: wasm-simd against the float64 reference', () => {
  it('covers every exported loss function', () => {
    const exported = Object.keys(lib).filter((k) => typeof (lib as Record<string, unknown>)[`${k}WithGrad`] === 'function');
    expect(FUZZED.slice().sort()).toEqual(exported.sort());
  });

  it('agrees on 4000 random cases (seed 1)', () => {
    const r = runFuzz(lib, { cases: 4000, seed: 1 });
    expect(r.cases).toBe(4000);
    expect(r.mismatches).toEqual([]);
  });
});
