import { describe, expect, it } from 'vitest';
import {
  alphaIouLoss, alphaIouLossWithGrad, completeBoxIouLoss, completeBoxIouLossWithGrad, distanceBoxIouLoss, distanceBoxIouLossWithGrad, eiouLoss,
  eiouLossWithGrad, focalEiouLoss, focalEiouLossWithGrad, generalizedBoxIouLoss, generalizedBoxIouLossWithGrad, iouLoss, iouLossWithGrad, siouLoss,
  siouLossWithGrad, wiseIouLoss, wiseIouLossWithGrad,
} from '../src/index';
import type { FloatInput, Tensor, WithGrad } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { finiteDifference, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

type BoxFn = (b1: FloatInput, b2: FloatInput, o?: object) => number | Tensor;
type BoxGradFn = (b1: FloatInput, b2: FloatInput, o?: object) => WithGrad;

const losses: Record<string, [BoxFn, BoxGradFn]> = {
  generalizedBoxIouLoss: [generalizedBoxIouLoss, generalizedBoxIouLossWithGrad],
  distanceBoxIouLoss: [distanceBoxIouLoss, distanceBoxIouLossWithGrad],
  completeBoxIouLoss: [completeBoxIouLoss, completeBoxIouLossWithGrad],
  iouLoss: [iouLoss, iouLossWithGrad],
  eiouLoss: [eiouLoss, eiouLossWithGrad],
  focalEiouLoss: [focalEiouLoss, focalEiouLossWithGrad],
  alphaIouLoss: [alphaIouLoss, alphaIouLossWithGrad],
  siouLoss: [siouLoss, siouLossWithGrad],
  wiseIouLoss: [wiseIouLoss as BoxFn, wiseIouLossWithGrad],
};

const fns: Record<string, (...a: unknown[]) => unknown> = {};
for (const [name, [f, g]] of Object.entries(losses)) {
  fns[name] = f as (...a: unknown[]) => unknown;
  fns[`${name}WithGrad`] = g as (...a: unknown[]) => unknown;
}
// v3 returns { loss, iouMean }: the fixtures check the loss (the mean is checked below)
fns.wiseIouLossV3 = (b1, b2, o) => wiseIouLoss(b1 as FloatInput, b2 as FloatInput, o as { version: 'v3' }).loss;
fns.wiseIouLossV3WithGrad = (b1, b2, o) => wiseIouLossWithGrad(b1 as FloatInput, b2 as FloatInput, o as object);

fixtureSuite('box-iou', fns, { throws: RangeError });

/** n random boxes (x1 < x2, y1 < y2) around the origin. */
function boxes(dtype: 'float32' | 'float64', n: number, random: () => number): Tensor {
  const data = dtype === 'float32' ? new Float32Array(4 * n) : new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const x = random() * 6, y = random() * 6;
    data.set([x, y, x + 0.5 + random() * 4, y + 0.5 + random() * 4], 4 * i);
  }
  return { data, shape: [n, 4] };
}

const OPTIONS: Array<[string, object]> = [
  ['generalizedBoxIouLoss', {}], ['distanceBoxIouLoss', {}], ['completeBoxIouLoss', { eps: 1e-3 }], ['iouLoss', {}], ['eiouLoss', {}],
  ['focalEiouLoss', { gamma: 0.7 }], ['alphaIouLoss', { form: 'giou', alpha: 2.5 }], ['alphaIouLoss', { form: 'ciou' }], ['alphaIouLoss', { form: 'diou', alpha: 1 }],
  ['siouLoss', { theta: 3 }], ['wiseIouLoss', {}], ['wiseIouLoss', { version: 'v3', iouMean: 0.6, momentum: 0.05 }],
];

describe('box-iou: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const n of [1, 3, 4, 5, 17, 33]) {
      it(`${dtype} n=${n}: every loss and reduction`, () => {
        const random = rng(n + 101);
        const [a, b] = [boxes(dtype, n, random), boxes(dtype, n, random)];
        const g = boxes(dtype, n, random).data.subarray(0, n);
        for (const [name, opts] of OPTIONS) {
          for (const reduction of ['mean', 'sum', 'none'] as const) {
            const extra = reduction === 'none' ? { gradOutput: g } : {};
            const [x, y] = onBothBackends(() => losses[name][1](a, b, { ...opts, reduction, ...extra }));
            expectSameResult(x, y, dtype, `${name} ${JSON.stringify(opts)} ${reduction}`);
          }
        }
      });
    }
  }
});

describe('box-iou: gradients match finite differences of the reference', () => {
  const random = rng(103);
  const [a, b] = [boxes('float64', 4, random), boxes('float64', 4, random)];
  // Losses with a detached factor (CIoU's α, Focal-EIoU's IoU^γ, Wise-IoU's denominator and r) have
  // gradients that are not the full derivative: their fixtures (PyTorch autograd) check them.
  const detached = (name: string, opts: object) => ['wiseIouLoss', 'focalEiouLoss', 'completeBoxIouLoss'].includes(name) || (opts as { form?: string }).form === 'ciou';
  for (const [name, opts] of OPTIONS.filter(([name, opts]) => !detached(name, opts))) {
    it(`${name} ${JSON.stringify(opts)}`, () => {
      const o = { ...opts, reduction: 'sum' };
      const [r] = onBothBackends(() => losses[name][1](a, b, o));
      const f = (x: Float64Array, y: Float64Array) => losses[name][0]({ data: x, shape: [4, 4] }, { data: y, shape: [4, 4] }, o) as number;
      expectClose(r.grads[0].data, finiteDifference((x) => f(x, b.data as Float64Array), Float64Array.from(a.data)), 'float64', 'd boxes1', 1e4);
      expectClose(r.grads[1].data, finiteDifference((y) => f(a.data as Float64Array, y), Float64Array.from(b.data)), 'float64', 'd boxes2', 1e4);
    });
  }
});

describe('box-iou: semantics and bad input', () => {
  it("the default reduction is 'none', and 'mean' of no boxes is 0 (torchvision)", () => {
    const one = { data: new Float32Array([0, 0, 1, 1]), shape: [1, 4] };
    expect((generalizedBoxIouLoss(one, one) as Tensor).shape).toEqual([1]);
    const none = { data: new Float32Array(0), shape: [0, 4] };
    expect(siouLoss(none, none, { reduction: 'mean' })).toBe(0);
  });

  it('wiseIouLoss v3 returns the updated running mean: (1 - m)·mean + m·mean(1 - IoU)', () => {
    const random = rng(107);
    const [a, b] = [boxes('float64', 6, random), boxes('float64', 6, random)];
    const r = wiseIouLoss(a, b, { version: 'v3', iouMean: 0.8, momentum: 0.25 });
    const batch = iouLoss(a, b, { reduction: 'mean' }) as number;
    expect(r.iouMean).toBeCloseTo(0.75 * 0.8 + 0.25 * batch, 14);
    expect(wiseIouLossWithGrad(a, b, { version: 'v3', iouMean: 0.8, momentum: 0.25 }).iouMean).toBe(r.iouMean);
    // momentum 0 (evaluation) keeps the mean
    expect(wiseIouLoss(a, b, { version: 'v3', iouMean: 0.8, momentum: 0 }).iouMean).toBe(0.8);
  });

  it('v3 with β = δ has r = 1/δ·δ/α^0 = 1: equal to v1 when the mean makes β = δ', () => {
    const a = { data: new Float64Array([0, 0, 2, 2]), shape: [1, 4] };
    const b = { data: new Float64Array([1, 1, 3, 3]), shape: [1, 4] };
    const li = iouLoss(a, b, { reduction: 'sum' }) as number;
    const v3 = wiseIouLoss(a, b, { version: 'v3', iouMean: li / 3, momentum: 0, reduction: 'sum' }).loss as number;
    expect(v3).toBeCloseTo(wiseIouLoss(a, b, { reduction: 'sum' }) as number, 14);
  });

  it('GIoU worked example: boxes [0,0,2,2] and [1,1,3,3]: IoU 1/7, enclosing area 9, loss 1 - 1/7 + 2/9', () => {
    const a = { data: new Float64Array([0, 0, 2, 2]), shape: [4] };
    const b = { data: new Float64Array([1, 1, 3, 3]), shape: [4] };
    expect((generalizedBoxIouLoss(a, b, { eps: 0 }) as Tensor).data[0]).toBeCloseTo(1 - 1 / 7 + 2 / 9, 14);
    // DIoU: centers 1.414 apart, enclosing diagonal² 18
    expect((distanceBoxIouLoss(a, b, { eps: 0 }) as Tensor).data[0]).toBeCloseTo(1 - 1 / 7 + 2 / 18, 14);
  });

  const one = new Float32Array([0, 0, 1, 1]);
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['boxes of 3 coordinates', () => iouLoss({ data: new Float32Array(6), shape: [2, 3] }, { data: new Float32Array(6), shape: [2, 3] }), RangeError, /boxes1 must have shape \(\.\.\., 4\)/],
    ['boxes that do not broadcast', () => iouLoss({ data: new Float32Array(8), shape: [2, 4] }, { data: new Float32Array(12), shape: [3, 4] }), RangeError, /broadcast/],
    ['alpha-IoU form', () => alphaIouLoss(one, one, { form: 'eiou' as 'iou' }), RangeError, /options.form must be one of/],
    ['Wise-IoU v3 without its state', () => wiseIouLoss(one, one, { version: 'v3' } as { version: 'v3' }), TypeError, /options.iouMean/],
    ['Wise-IoU version', () => wiseIouLoss(one, one, { version: 'v2' as 'v1' }), RangeError, /options.version must be 'v1' or 'v3'/],
    // @ts-expect-error the types refuse mixed dtypes too; this checks the run-time error
    ['mixed dtypes', () => iouLoss(one, new Float64Array(4)), TypeError, /share one dtype/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
