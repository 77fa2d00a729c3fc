// Inputs built to break things (issue 12): each ends in a clear TypeError/RangeError that names the
// function and the argument, or in the right value; and after each, a known call still gives the
// right answer, nothing the call was not given has changed, and no engine message leaks out.
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocTensor, alphaIouLoss, alphaIouLossWithGrad, cosineSimilarity, crossEntropy, crossEntropyWithGrad, ctcLoss, getMemoryLimit,
  mseLoss, mseLossWithGrad, setBackend, setMemoryLimit, sigmoidWithGrad, softmax, WasmTensor,
} from '../src/index';

const KNOWN_X = { data: new Float32Array([2, 0.5, -1, 0.1, 1.2, 0.3]), shape: [2, 3] };
const KNOWN = 0.3974; // F.cross_entropy of KNOWN_X and [0, 1] (README)

function knownCallWorks(): void {
  expect(crossEntropy(KNOWN_X, [0, 1])).toBeCloseTo(KNOWN, 4);
}

/** The call throws `type` with a message that starts with the function's name and matches `message`. */
function expectClean(call: () => unknown, type: ErrorConstructor, fn: string, message: RegExp): void {
  let error: unknown = null;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(error, 'it should throw').toBeInstanceOf(type);
  const text = (error as Error).message;
  expect(text.startsWith(`${fn}:`), text).toBe(true);
  expect(text).toMatch(message);
  expect(text).not.toMatch(/RuntimeError|detached ArrayBuffer|offset is out of bounds|incompatible receiver|Invalid typed array length/);
  knownCallWorks();
}

afterEach(() => {
  setBackend('wasm-simd');
  setMemoryLimit(64 * 1024 * 1024);
});

describe('ctcLoss sizes', () => {
  it('a scratch size past 2^31 is a RangeError naming ctcLoss, not a write past the scratch', () => {
    const lp = { data: new Float32Array(65536 * 2).fill(-0.69), shape: [65536, 2] };
    expectClean(() => ctcLoss(lp, new Int32Array(2048).fill(1), 65536, 2048), RangeError, 'ctcLoss', /bytes of wasm scratch memory/);
  });

  it('lengths are checked before they are narrowed to 32 bits (2^32 does not wrap to 0)', () => {
    const lp = { data: new Float32Array(4 * 3).fill(Math.log(1 / 3)), shape: [4, 1, 3] };
    const t = { data: [1, 2], shape: [1, 2] };
    expectClean(() => ctcLoss(lp, t, [4], [2 ** 32]), RangeError, 'ctcLoss', /targetLengths .*at most 2/);
    expectClean(() => ctcLoss(lp, t, [4], [2 ** 32 + 1]), RangeError, 'ctcLoss', /targetLengths/);
    expectClean(() => ctcLoss(lp, t, [4], new BigInt64Array([2n ** 40n])), RangeError, 'ctcLoss', /targetLengths/);
    expectClean(() => ctcLoss(lp, t, [2 ** 32 + 4], [2]), RangeError, 'ctcLoss', /inputLengths .*at most 4/);
  });

  it('messages use simdloss\'s argument names', () => {
    const lp = { data: new Float32Array(12), shape: [4, 1, 3] };
    expectClean(() => ctcLoss(lp, [1], [-1], [1]), RangeError, 'ctcLoss', /Expected inputLengths to have value at least 0/);
  });
});

describe('WasmTensor', () => {
  it('shape is frozen: writing to it cannot make a loss read a neighbour', () => {
    const a = allocTensor('float32', [2]);
    const b = allocTensor('float32', [12]);
    a.data.set([1, 2]);
    b.data.fill(100);
    expect(() => {
      (a.shape as number[])[0] = 12;
    }).toThrow(TypeError);
    expect(a.shape).toEqual([2]);
    expect(mseLoss(a, new Float32Array([0, 0]))).toBeCloseTo(2.5, 6);
    a.free();
    b.free();
  });

  it('reshape takes only non-negative integer dims', () => {
    const a = allocTensor('float32', [4]);
    for (const bad of [[-2, -2], ['2', '2'], [0.5, 8], [NaN, 4]]) {
      expect(() => a.reshape(bad as number[])).toThrow(RangeError);
    }
    expect(a.shape).toEqual([4]);
    a.free();
  });

  it('a freed tensor is refused by name, reshape() included', () => {
    const a = allocTensor('float32', [2, 3]);
    a.free();
    expectClean(() => crossEntropy(a, [0, 1]), TypeError, 'crossEntropy', /input is a WasmTensor that was freed/);
    expect(() => a.reshape([3, 2])).toThrow(/freed/);
    expect(() => a.data).toThrow(TypeError);
  });

  it('allocation errors name allocTensor', () => {
    expect(() => allocTensor('float64', [2 ** 31])).toThrow(/^allocTensor: /);
    expect(() => allocTensor('float64', [1024, 1024, 16])).toThrow(/^allocTensor: .*memory limit/);
    knownCallWorks();
  });

  it('freed blocks merge: 14 × 4 MiB freed under a live tensor leave room for 8 MiB', () => {
    const blocks = Array.from({ length: 14 }, () => allocTensor('float32', [1024 * 1024]));
    const above = allocTensor('float32', [16]);
    // free in a scattered order, so merging has to join on both sides
    for (const i of [3, 1, 0, 2, 7, 5, 6, 4, 13, 9, 11, 8, 12, 10]) blocks[i].free();
    const big = allocTensor('float32', [2 * 1024 * 1024]);
    big.data.fill(1);
    expect(mseLoss(big, new Float32Array(2 * 1024 * 1024))).toBe(1);
    big.free();
    above.free();
    // everything is free again: the largest block fits as well as it did at first
    const again = allocTensor('float32', [14 * 1024 * 1024]);
    again.free();
  });

  it('a fragmenting pattern of allocations and frees keeps every tensor\'s data', () => {
    const live = new Map<WasmTensor, number>();
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let step = 0; step < 400; step++) {
      if (live.size > 0 && random() < 0.45) {
        const victim = [...live.keys()][Math.floor(random() * live.size)];
        expect(Array.from(victim.data).every((v) => v === live.get(victim))).toBe(true);
        victim.free();
        live.delete(victim);
      } else {
        const t = allocTensor('float64', [1 + Math.floor(random() * 5000)]);
        t.data.fill(step);
        live.set(t, step);
      }
    }
    for (const [t, v] of live) {
      expect(Array.from(t.data).every((x) => x === v)).toBe(true);
      t.free();
    }
  });
});

describe('alphaIouLoss with form giou on nested and equal boxes', () => {
  const b1 = [6.3748931884765625, 0.5260456800460815, 11.248605728149414, 3.7252838611602783];
  const b2 = [6.598239421844482, 0.7628768682479858, 10.091394424438477, 1.9986426830291748];
  for (const backend of ['wasm-simd', 'js'] as const) {
    for (const Arr of [Float32Array, Float64Array]) {
      it(`is finite (${backend}, ${Arr.name})`, () => {
        setBackend(backend);
        const r = alphaIouLossWithGrad(new Arr(b1), new Arr(b2), { form: 'giou' });
        expect(r.loss as { data: Float32Array }).toBeDefined();
        const loss = (r.loss as { data: ArrayLike<number> }).data[0];
        expect(loss).toBeCloseTo(0.97878, 4);
        for (const g of r.grads) expect(Array.from(g.data).every(Number.isFinite)).toBe(true);
        // equal boxes: loss 0 whatever alpha
        for (const alpha of [1, 2, 3]) {
          const same = alphaIouLoss(new Arr(b1), new Arr(b1), { form: 'giou', alpha }) as { data: ArrayLike<number> };
          expect(Math.abs(same.data[0])).toBeLessThan(1e-6);
        }
      });
    }
  }
});

describe('resident operands after memory growth', () => {
  it('a resident gradOutput is read after the call grows memory', () => {
    // larger than any earlier call of this file, so that this call must grow memory
    setMemoryLimit(512 * 1024 * 1024);
    const n = 4 * 1024 * 1024;
    const g = allocTensor('float64', [n]);
    g.data.fill(0.5);
    const x = new Float64Array(n);
    const r = sigmoidWithGrad(x, { gradOutput: g });
    expect(r.grad.data[0]).toBeCloseTo(0.125, 12);
    expect(r.grad.data[n - 1]).toBeCloseTo(0.125, 12);
    g.free();
  });
});

describe('resident CTC log-probabilities', () => {
  it('are read after the call grows memory', () => {
    setMemoryLimit(512 * 1024 * 1024);
    const T = 3000, C = 600; // 14 MB of float64 rows for the sample: more than earlier calls grew to
    const lp = allocTensor('float32', [T, 1, C]);
    lp.data.fill(Math.log(1 / C));
    const copy = { data: Float32Array.from(lp.data), shape: [T, 1, C] };
    const labels = Int32Array.from({ length: 20 }, (_, i) => 1 + (i % (C - 1)));
    const a = ctcLoss(lp, { data: labels, shape: [1, 20] }, [T], [20]);
    const b = ctcLoss(copy, { data: labels, shape: [1, 20] }, [T], [20]);
    expect(a).toBe(b);
    expect(Number.isFinite(a as number)).toBe(true);
    lp.free();
  });
});

describe('memory-limit boundaries', () => {
  it('the limit cannot go below the resident tensors plus 1 MiB, nor above 4 GiB', () => {
    const t = allocTensor('float32', [1024 * 1024]);
    expect(() => setMemoryLimit(1024 * 1024)).toThrow(/^setMemoryLimit: /);
    expect(() => setMemoryLimit(2 ** 32 + 65536)).toThrow(RangeError);
    expect(() => setMemoryLimit(Number.NaN)).toThrow(RangeError);
    t.free();
    knownCallWorks();
  });

  it('a call right at the limit runs in more blocks and gives the same value', () => {
    const x = new Float32Array(1 << 20).map((_, i) => Math.cos(i));
    const y = new Float32Array(1 << 20);
    const expected = mseLoss(x, y);
    setMemoryLimit(getMemoryLimit()); // unchanged
    for (const mib of [2, 3, 8]) {
      setMemoryLimit(mib * 1024 * 1024);
      expect(mseLoss(x, y)).toBe(expected);
    }
  });
});

describe('gradInto', () => {
  it('overlapping gradOutput gives the right gradient in a chunked call', () => {
    const n = 600000;
    const x = new Float32Array(n).map((_, i) => Math.sin(i));
    const y = new Float32Array(n);
    const buffer = new Float32Array(n + 1).fill(1);
    const expected = mseLossWithGrad(x, y, { reduction: 'none', gradOutput: new Float32Array(n).fill(1) }).grad.data;
    setMemoryLimit(2 * 1024 * 1024);
    const r = mseLossWithGrad(x, y, { reduction: 'none', gradOutput: buffer.subarray(0, n), gradInto: buffer.subarray(1) });
    const wrong = expected.findIndex((v, i) => v !== buffer[i + 1]);
    expect(wrong).toBe(-1);
  });

  it('two targets sharing memory are refused', () => {
    const x = new Float32Array([1, 2, 3]);
    const g = new Float32Array(3);
    expectClean(() => mseLossWithGrad(x, x, { gradInto: [g, g] }), RangeError, 'mseLossWithGrad', /share memory/);
  });

  it('a call that throws writes no gradient', () => {
    const x = { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] };
    const first = new Float32Array(4).fill(7);
    expectClean(() => mseLossWithGrad(x, x, { gradInto: [first, new Float32Array(3)] }), RangeError, 'mseLossWithGrad', /gradInto\[1\] holds 3 values/);
    expect(Array.from(first)).toEqual([7, 7, 7, 7]);
  });
});

describe('huge empty dimensions', () => {
  it('softmax over [1e9, 0] returns the empty result at once', () => {
    const start = performance.now();
    const r = softmax({ data: new Float32Array(0), shape: [1e9, 0] });
    expect(r.data.length).toBe(0);
    expect(r.shape).toEqual([1e9, 0]);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('a shape whose non-empty dims pass the typed-array limit is a RangeError', () => {
    expectClean(() => softmax({ data: new Float32Array(0), shape: [1e12, 0] }), RangeError, 'softmax', /input.shape \[1000000000000, 0\] is too large/);
    expectClean(() => cosineSimilarity({ data: new Float32Array(0), shape: [1e12, 0] }, { data: new Float32Array(0), shape: [1e12, 0] }),
      RangeError, 'cosineSimilarity', /x1.shape .* is too large/);
  });
});

describe('objects that act up', () => {
  it('a Proxy of a typed array is refused by name (no engine message)', () => {
    const p = new Proxy(new Float32Array(6), {});
    expectClean(() => crossEntropy(p, [0, 1]), TypeError, 'crossEntropy', /Proxy/);
    expectClean(() => crossEntropy({ data: p, shape: [2, 3] }, [0, 1]), TypeError, 'crossEntropy', /input.data/);
  });

  it('a revoked Proxy and throwing getters are TypeErrors naming the argument', () => {
    const { proxy, revoke } = Proxy.revocable({ data: new Float32Array(6), shape: [2, 3] }, {});
    revoke();
    expectClean(() => crossEntropy(proxy, [0, 1]), TypeError, 'crossEntropy', /input could not be read/);
    const getter = { get data(): Float32Array { throw new Error('boom'); }, shape: [2, 3] };
    expectClean(() => crossEntropy(getter, [0, 1]), TypeError, 'crossEntropy', /input could not be read \(boom\)/);
    const targets = new Proxy([0, 1], { get(t, k) { if (k === '1') throw new Error('no'); return Reflect.get(t, k); } });
    expectClean(() => crossEntropy(KNOWN_X, targets), TypeError, 'crossEntropy', /target could not be read/);
  });

  it('a shape that changes between reads is read once', () => {
    let reads = 0;
    const input = { data: new Float32Array(6), get shape() { return reads++ === 0 ? [2, 3] : [1000, 2]; } };
    const r = crossEntropyWithGrad(input, [0, 1]);
    expect(r.grad.data.length).toBe(6);
    expect(r.grad.shape).toEqual([2, 3]);
    expect(reads).toBe(1);
    // a shape array whose elements change between reads
    let elementReads = 0;
    const shape = new Proxy([2, 3], { get: (t, k) => (k === '0' ? (elementReads++ < 2 ? 2 : 1000) : Reflect.get(t, k)) });
    const mse = mseLossWithGrad({ data: new Float32Array(6), shape }, { data: new Float32Array(6), shape: [2, 3] });
    expect(mse.grad.data.length).toBe(6);
    expect(mse.grad.shape).toEqual([2, 3]);
  });

  it('the memory limit boundary: a call that needs more scratch than the limit leaves is a RangeError naming it', () => {
    setMemoryLimit(getMemoryLimit());
    const resident = allocTensor('float32', [1024 * 1024 * 14]);
    try {
      setMemoryLimit(64 * 1024 * 1024);
      const lp = { data: new Float32Array(20000 * 40).fill(Math.log(1 / 40)), shape: [20000, 40] };
      expectClean(() => ctcLoss(lp, new Int32Array(5000).fill(1), 20000, 5000), RangeError, 'ctcLoss', /setMemoryLimit/);
    } finally {
      resident.free();
    }
  });
});
