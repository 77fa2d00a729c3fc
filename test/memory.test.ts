// Wasm memory: tensors resident in wasm memory, the memory limit, and chunked processing.
import { describe, expect, it } from 'vitest';
import {
  allocTensor, crossEntropy, crossEntropyWithGrad, getMemoryLimit, memoryUsage, nllLossWithGrad, setBackend, setMemoryLimit,
} from '../src/index';
import { memoryIsShared } from '../src/wasm/instance';
import { expectClose } from './helpers/fixtures';
import { randomFloats, rng, HALF } from './helpers/numeric';

describe('tensors resident in wasm memory', () => {
  it('every loss reads them in place and gives the same result as a copy', () => {
    const random = rng(1);
    const N = 64, C = 40;
    const x = allocTensor('float32', [N, C]);
    x.data.set(randomFloats('float32', N * C, random));
    const copy = { data: Float32Array.from(x.data), shape: [N, C] };
    const target = Int32Array.from({ length: N }, () => Math.floor(random() * C));
    const w = allocTensor('float32', [C]);
    w.data.fill(0.5);
    const a = crossEntropyWithGrad(x, target, { weight: w, labelSmoothing: 0.1 });
    const b = crossEntropyWithGrad(copy, target, { weight: Float32Array.from(w.data), labelSmoothing: 0.1 });
    expect(a.loss).toBe(b.loss);
    expect(Array.from(a.grad.data)).toEqual(Array.from(b.grad.data));
    const na = nllLossWithGrad(x, target);
    const nb = nllLossWithGrad(copy, target);
    expect(na.loss).toBe(nb.loss);
    expect(Array.from(x.data)).toEqual(Array.from(copy.data)); // not written to
    x.free();
    w.free();
  });

  it('K-dim resident inputs (gathered, not in place) match too', () => {
    const random = rng(2);
    const x = allocTensor('float64', [3, 4, 5]);
    x.data.set(randomFloats('float64', 60, random));
    const t = { data: Int32Array.from({ length: 15 }, () => Math.floor(random() * 4)), shape: [3, 5] };
    expect(crossEntropy(x, t)).toBe(crossEntropy({ data: Float64Array.from(x.data), shape: [3, 4, 5] }, t));
    x.free();
  });

  it('.data stays valid when memory grows; a kept view is detached (length 0)', () => {
    const x = allocTensor('float32', [2, 3]);
    const kept = x.data;
    kept.set([1, 2, 3, 4, 5, 6]);
    const before = memoryUsage();
    // A call large enough to grow memory.
    const big = new Float32Array(4 * 1024 * 1024);
    crossEntropy({ data: big, shape: [4096, 1024] }, new Int32Array(4096));
    expect(memoryUsage()).toBeGreaterThan(before);
    // threads make the memory shared, whose views never detach (they stay the same memory)
    if (memoryIsShared()) expect(Array.from(kept)).toEqual([1, 2, 3, 4, 5, 6]);
    else expect(kept.length).toBe(0);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(crossEntropy(x, [0, 1])).toBeCloseTo(crossEntropy({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] }, [0, 1]) as number, 6);
    x.free();
  });

  it('free() returns the block: a freed tensor throws, a new one reuses the memory', () => {
    const a = allocTensor('float64', [100]);
    const ptr = a.ptr;
    a.free();
    expect(() => a.data).toThrow(/freed/);
    const b = allocTensor('float64', [50]);
    expect(b.ptr).toBe(ptr);
    b.free();
  });

  it('reshape keeps the memory and checks the size; bad allocTensor arguments throw', () => {
    const a = allocTensor('float32', [6]);
    expect(a.reshape([2, 3]).shape).toEqual([2, 3]);
    expect(() => a.reshape([4])).toThrow(RangeError);
    a.free();
    expect(() => allocTensor('int32' as 'float32', [3])).toThrow(HALF ? /dtype must be 'float32', 'float64' or 'float16'; got "int32"/ : /dtype must be 'float32' or 'float64'; got "int32"/);
    expect(() => allocTensor('float32', [-1])).toThrow(/shape must be an array of non-negative integers/);
  });

  it('the js backend accepts resident tensors as ordinary tensors', () => {
    const x = allocTensor('float32', [1, 3]);
    x.data.set([0.5, 1, -1]);
    const wasmLoss = crossEntropy(x, [1]);
    setBackend('js');
    try {
      expectClose([crossEntropy(x, [1]) as number], [wasmLoss as number], 'float32', 'js backend');
    } finally {
      setBackend('wasm-simd');
      x.free();
    }
  });
});

describe('the memory limit', () => {
  it('defaults to 64 MiB and rejects values below what is resident plus 1 MiB', () => {
    expect(getMemoryLimit()).toBe(64 * 1024 * 1024);
    expect(() => setMemoryLimit(1000)).toThrow(RangeError);
    expect(() => setMemoryLimit(1.5e7 + 0.5)).toThrow(RangeError);
  });

  it('a row that cannot fit under the limit is a RangeError naming setMemoryLimit', () => {
    setMemoryLimit(2 * 1024 * 1024);
    try {
      const C = 600_000; // one row of logits + gradient: 4.8 MB
      expect(() => crossEntropyWithGrad({ data: new Float32Array(C), shape: [1, C] }, [0])).toThrow(/setMemoryLimit/);
      expect(crossEntropy({ data: new Float32Array([1, 2]), shape: [1, 2] }, [1])).toBeCloseTo(Math.log(1 + Math.exp(-1)), 6);
    } finally {
      setMemoryLimit(64 * 1024 * 1024);
    }
  });
});

describe('2^27 elements under the default 64 MiB limit', () => {
  it('crossEntropy over a (131072, 1024) float32 input: value and memory', () => {
    const C = 1024, N = (1 << 27) / C;
    // Every row the same, so the exact mean is the float64 loss of one row.
    const row = new Float32Array(C);
    for (let c = 0; c < C; c++) row[c] = Math.fround(Math.sin(c) * 4);
    const data = new Float32Array(N * C);
    data.set(row);
    for (let filled = C; filled < data.length; filled *= 2) data.copyWithin(filled, 0, Math.min(filled, data.length - filled));
    const target = new Int32Array(N).fill(7);
    const loss = crossEntropy({ data, shape: [N, C] }, target) as number;
    let m = -Infinity;
    for (const v of row) m = Math.max(m, v);
    let s = 0;
    for (const v of row) s += Math.exp(v - m);
    const want = m + Math.log(s) - row[7];
    expect(Math.abs(loss - want) / want).toBeLessThan(1e-6);
    expect(memoryUsage()).toBeLessThanOrEqual(64 * 1024 * 1024);
  });
});
