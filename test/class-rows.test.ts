// The runtime's gather and scatter of rows along a dimension that is not last
// (src/wasm/class-rows.ts), against the whole-tensor transpose the references use (moveDimLast),
// for blocks that start and end anywhere: inside a run of rows of one outer index, across several.
import { describe, expect, it } from 'vitest';
import { moveDimBack, moveDimLast } from '../src/shapes';
import { classRows } from '../src/wasm/class-rows';
import { rng } from './helpers/numeric';

describe('classRows (src/wasm/class-rows.ts)', () => {
  it('inner = 1: no gather (rows are contiguous)', () => {
    expect(classRows(7, 1)).toEqual({ gather: null, scatter: null });
  });

  it.each([[1, 3, 2], [3, 5, 7], [4, 1, 9], [2, 21, 64], [5, 4, 1031]])('outer %i, C %i, inner %i: every block gathers the transposed rows and scatters them back', (outer, C, inner) => {
    const random = rng(outer * 1000 + C * 10 + inner);
    const src = Float64Array.from({ length: outer * C * inner }, () => random());
    const rows = new Float64Array(src.length);
    moveDimLast(src, rows, outer, C, inner);
    const { gather, scatter } = classRows(C, inner);
    const back = new Float64Array(src.length);
    const total = outer * inner;
    for (let r0 = 0; r0 < total;) {
      const count = Math.min(total - r0, 1 + Math.floor(random() * Math.max(1, inner * 1.5)));
      const block = new Float64Array(count * C);
      gather!(block, src, r0, count);
      expect(Array.from(block)).toEqual(Array.from(rows.subarray(r0 * C, (r0 + count) * C)));
      scatter!(block, back, r0, count);
      r0 += count;
    }
    expect(Array.from(back)).toEqual(Array.from(src));
    const viaBack = new Float64Array(src.length);
    moveDimBack(rows, viaBack, outer, C, inner);
    expect(Array.from(viaBack)).toEqual(Array.from(src));
  });
});
