// options.gradInto: every WithGrad call writes its gradients into arrays the caller owns.
import { describe, expect, it } from 'vitest';
import {
  allocTensor, binaryCrossEntropyWithGrad, binaryCrossEntropyWithLogitsWithGrad, crossEntropyWithGrad, generalizedBoxIouLossWithGrad,
  marginRankingLossWithGrad, mseLossWithGrad, multilabelSoftMarginLossWithGrad, nllLossWithGrad, setBackend, setMemoryLimit, softmaxWithGrad,
} from '../src/index';
import type { Tensor, WithGrad } from '../src/types';
import { randomFloats, rng } from './helpers/numeric';
import { DTYPES } from './helpers/suites';

type Call = (opts: object) => WithGrad;

describe('options.gradInto', () => {
  for (const dtype of DTYPES) {
    const random = rng(dtype === 'float32' ? 11 : 12);
    const Arr = dtype === 'float32' ? Float32Array : Float64Array;
    const x: Tensor = { data: randomFloats(dtype, 60, random), shape: [6, 10] };
    const p: Tensor = { data: randomFloats(dtype, 60, random, 0.05, 0.95), shape: [6, 10] };
    const t: Tensor = { data: randomFloats(dtype, 60, random, 0, 1), shape: [6, 10] };
    const labels = Int32Array.from({ length: 6 }, () => Math.floor(random() * 10));
    const corners = Array.from({ length: 24 }, (_, i) => (i % 4 < 2 ? random() : 2 + random()));
    const boxes: Tensor = { data: dtype === 'float32' ? Float32Array.from(corners) : Float64Array.from(corners), shape: [6, 4] };
    // the hot paths (cross-entropy, NLL, BCE, elementwise) write into the target; the others copy into it
    const calls: Array<[string, Call, number]> = [
      ['crossEntropy', (o) => crossEntropyWithGrad(x, labels, o), 60],
      ['crossEntropy, probabilities, none', (o) => crossEntropyWithGrad(x, t, { reduction: 'none', ...o }), 60],
      ['nllLoss', (o) => nllLossWithGrad(x, labels, o), 60],
      ['binaryCrossEntropy', (o) => binaryCrossEntropyWithGrad(p, t, o), 60],
      ['binaryCrossEntropyWithLogits', (o) => binaryCrossEntropyWithLogitsWithGrad(x, t, o), 60],
      ['multilabelSoftMarginLoss', (o) => multilabelSoftMarginLossWithGrad(x, t, o), 60],
      ['mseLoss', (o) => mseLossWithGrad(x, t, o), 60],
      ['softmax', (o) => softmaxWithGrad(x, o), 60],
      ['generalizedBoxIouLoss', (o) => generalizedBoxIouLossWithGrad(boxes, boxes, { reduction: 'sum', ...o }), 24],
    ];
    for (const [name, call, size] of calls) {
      for (const backend of ['wasm-simd', 'js'] as const) {
        it(`${dtype} ${backend} ${name}: the gradient is the target, with the values of a plain call`, () => {
          setBackend(backend);
          try {
            const plain = call({});
            const into = new Arr(size).fill(123);
            const r = call({ gradInto: into });
            expect(r.grad.data).toBe(into);
            expect(r.grads[0].data).toBe(into);
            expect(Array.from(into)).toEqual(Array.from(plain.grad.data));
            expect(r.grad.shape).toEqual(plain.grad.shape);
          } finally {
            setBackend('wasm-simd');
          }
        });
      }
    }
  }

  it('a list: one target per gradient, null for a new array; a broadcast argument is summed into its own', () => {
    const a = new Float64Array([0.5, -1, 2, 0.25]);
    const b = new Float64Array([1]); // broadcast: its gradient is summed to one value
    const y = new Float64Array([1, -1, 1, -1]);
    const plain = marginRankingLossWithGrad(a, b, y, { margin: 0.5 });
    const gb = new Float64Array(1);
    const r = marginRankingLossWithGrad(a, b, y, { margin: 0.5, gradInto: [null, gb] });
    expect(r.grads[1].data).toBe(gb);
    expect(Array.from(gb)).toEqual(Array.from(plain.grads[1].data));
    expect(Array.from(r.grads[0].data)).toEqual(Array.from(plain.grads[0].data));
    expect(Array.from(r.grads[2].data)).toEqual(Array.from(plain.grads[2].data));
  });

  it('the input itself as the target: the gradient of the original input overwrites it', () => {
    const x = { data: randomFloats('float32', 60, rng(13)), shape: [6, 10] };
    const labels = [1, 2, 3, 4, 5, 6];
    const plain = crossEntropyWithGrad({ data: Float32Array.from(x.data), shape: x.shape }, labels);
    crossEntropyWithGrad(x, labels, { gradInto: x.data as Float32Array });
    expect(Array.from(x.data)).toEqual(Array.from(plain.grad.data));
  });

  it('a WasmTensor target: the gradient lands in wasm memory', () => {
    const x = { data: randomFloats('float32', 60, rng(14)), shape: [6, 10] };
    const g = allocTensor('float32', [6, 10]);
    try {
      const plain = crossEntropyWithGrad(x, [0, 1, 2, 3, 4, 5]);
      const r = crossEntropyWithGrad(x, [0, 1, 2, 3, 4, 5], { gradInto: g });
      expect(Array.from(g.data)).toEqual(Array.from(plain.grad.data));
      expect(r.grad.data).toBe(g.data);
    } finally {
      g.free();
    }
  });

  it('a WasmTensor target is written in place, block by block, and its neighbours are untouched', () => {
    // sizes not a multiple of the vector width and several runtime blocks (256 KiB each); the
    // kernels may write their last vector whole, which must stay inside the target's allocation
    for (const dtype of DTYPES) {
      const random = rng(dtype === 'float32' ? 16 : 17);
      const [N, C] = [331, 997];
      const x = { data: randomFloats(dtype, N * C, random), shape: [N, C] };
      const t = { data: randomFloats(dtype, N * C, random, 0, 1), shape: [N, C] };
      const labels = Int32Array.from({ length: N }, () => Math.floor(random() * C));
      const shortLabels = Int32Array.from({ length: 4001 }, () => Math.floor(random() * 7));
      const resident = allocTensor(dtype, [N, C]);
      resident.data.set(x.data);
      const calls: Array<[string, (o: object) => WithGrad]> = [
        ['crossEntropy', (o) => crossEntropyWithGrad(x, labels, o)],
        ['crossEntropy, resident input', (o) => crossEntropyWithGrad(resident, labels, o)],
        ['crossEntropy, short rows', (o) => crossEntropyWithGrad({ data: x.data.subarray(0, 7 * 4001), shape: [4001, 7] }, shortLabels, o)],
        ['binaryCrossEntropyWithLogits', (o) => binaryCrossEntropyWithLogitsWithGrad(x, t, o)],
        ['mseLoss', (o) => mseLossWithGrad(x, t, o)],
      ];
      for (const [name, call] of calls) {
        const plain = call({});
        const before = allocTensor(dtype, [7]);
        const g = allocTensor(dtype, plain.grad.shape);
        const after = allocTensor(dtype, [7]);
        try {
          before.data.fill(-7);
          after.data.fill(-7);
          const r = call({ gradInto: g });
          expect(r.grad.data, `${dtype} ${name}`).toBe(g.data);
          expect(Array.from(g.data), `${dtype} ${name}`).toEqual(Array.from(plain.grad.data));
          expect([...before.data, ...after.data].every((v) => v === -7), `${dtype} ${name}: neighbours`).toBe(true);
        } finally {
          before.free();
          g.free();
          after.free();
        }
      }
      // the target is also an input: the kernel must not overwrite logits it still reads
      const plain = crossEntropyWithGrad(resident, labels);
      crossEntropyWithGrad(resident, labels, { gradInto: resident });
      expect(Array.from(resident.data)).toEqual(Array.from(plain.grad.data));
      resident.free();
    }
  });

  it('chunked calls write each chunk into the target', () => {
    setMemoryLimit(4 * 1024 * 1024);
    try {
      const random = rng(15);
      const x = { data: randomFloats('float32', 2048 * 1000, random), shape: [2048, 1000] };
      const t = { data: randomFloats('float32', 2048 * 1000, random, 0, 1), shape: [2048, 1000] };
      const labels = Int32Array.from({ length: 2048 }, () => Math.floor(random() * 1000));
      for (const call of [(o: object) => crossEntropyWithGrad(x, labels, o), (o: object) => binaryCrossEntropyWithLogitsWithGrad(x, t, o)]) {
        const plain = call({});
        const into = new Float32Array(2048 * 1000);
        expect(call({ gradInto: into }).grad.data).toBe(into);
        expect(into).toEqual(plain.grad.data);
      }
    } finally {
      setMemoryLimit(64 * 1024 * 1024);
    }
  });

  const x = { data: new Float32Array(6), shape: [2, 3] };
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['another dtype', () => crossEntropyWithGrad(x, [0, 1], { gradInto: new Float64Array(6) }), TypeError, /options.gradInto must have the call's dtype \(float32\); got float64/],
    ['another size', () => crossEntropyWithGrad(x, [0, 1], { gradInto: new Float32Array(5) }), RangeError, /options.gradInto holds 5 values; gradient 0 has 6/],
    ['more targets than gradients', () => mseLossWithGrad(x, x, { gradInto: [null, null, new Float32Array(6)] }), RangeError, /3 entries but mseLossWithGrad returns 2/],
    ['not an array', () => mseLossWithGrad(x, x, { gradInto: [1, 2] as unknown as Float32Array }), TypeError, /options.gradInto\[0\]/],
    ['a raw view of wasm memory', () => {
      const g = allocTensor('float32', [2, 3]);
      try {
        return crossEntropyWithGrad(x, [0, 1], { gradInto: g.data });
      } finally {
        g.free();
      }
    }, TypeError, /pass the WasmTensor itself/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
