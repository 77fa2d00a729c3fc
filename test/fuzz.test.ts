// The differential fuzzer (test/fuzz/fuzz.mjs) at a fixed seed and a modest count, so `npm test`
// stays fast; `npm run fuzz -- --cases N --seed S` runs it at scale against the built package.
import { describe, expect, it } from 'vitest';
import * as lib from '../src/index';
import { Arena } from '../src/wasm/arena';
import { FUZZED, runFuzz } from './fuzz/fuzz.mjs';

// FUZZ_CASES=1000000 npx vitest run test/fuzz.test.ts --project relaxed: the fuzzer at scale with the
// arena's growth switch (which the built package's `npm run fuzz` cannot reach).
const CASES = Number(process.env.FUZZ_CASES ?? 4000);
const projectGrowth = Arena.forceGrowth;
const growth = (on: boolean) => {
  Arena.forceGrowth = on || projectGrowth;
};

describe('differential fuzzer: wasm-simd against the float64 reference', () => {
  it('covers every exported loss function', () => {
    const exported = Object.keys(lib).filter((k) => typeof (lib as Record<string, unknown>)[`${k}WithGrad`] === 'function');
    expect(FUZZED.slice().sort()).toEqual(exported.sort());
  });

  it(`agrees on ${CASES} random cases (seed 1), some resident in any position, raw views, hooked arrays, polluted, forced growth`, () => {
    const r = runFuzz(lib, { cases: CASES, seed: 1, growth, onProgress: CASES > 10000 ? (n: number, bad: number) => process.stdout.write(`\r${n} cases, ${bad} mismatches`) : undefined });
    expect(r.cases).toBe(CASES);
    expect(r.mismatches).toEqual([]);
  }, Math.max(60_000, CASES * 20));
});
