// psnrLoss and ssimLoss: Kornia 0.7.4's PSNR and SSIM losses (docs/semantics.md §16).
import { afterEach, describe, expect, it } from 'vitest';
import { getMemoryLimit, mseLoss, psnrLoss, psnrLossWithGrad, setBackend, setMemoryLimit, ssimLoss, ssimLossWithGrad } from '../src/index';
import { filterPass, gaussianWindow } from '../src/reference/image-quality';
import type { FloatArray, Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = { psnrLoss, psnrLossWithGrad, ssimLoss, ssimLossWithGrad } as Record<string, (...a: unknown[]) => unknown>;

afterEach(() => setBackend('wasm-simd'));

fixtureSuite('image-quality', fns, { throws: RangeError });

describe('image-quality: the PSNR kernel matches the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const n of [...KERNEL_SIZES.filter((v) => v > 0), 100_003]) {
      it(`${dtype} n=${n}`, () => {
        const random = rng(n + 5);
        const x = randomFloats(dtype, n, random, 0, 1);
        const y = randomFloats(dtype, n, random, 0, 1);
        for (const maxVal of [1, 255]) {
          const [a, b] = onBothBackends(() => psnrLossWithGrad(x, y, { maxVal, gradOutput: 0.7 }));
          expectSameResult(a, b, dtype, `maxVal ${maxVal}`);
        }
      });
    }
  }
});

describe('image-quality: the SSIM kernel matches the float64 reference', () => {
  const shapes: Array<[number, number, number, number]> = [[1, 1, 1, 1], [2, 3, 5, 6], [1, 2, 7, 9], [1, 1, 6, 17], [3, 1, 12, 5], [1, 1, 33, 31]];
  for (const dtype of DTYPES) {
    for (const windowSize of [1, 3, 5, 7, 11]) {
      it(`${dtype} window ${windowSize}: every shape that fits, both paddings, every reduction`, () => {
        let ran = 0;
        for (const shape of shapes) {
          const [, , H, W] = shape;
          const half = (windowSize - 1) / 2;
          for (const padding of ['same', 'valid'] as const) {
            if (half >= Math.min(H, W) || (padding === 'valid' && Math.min(H, W) < windowSize - 1)) continue;
            const random = rng(H * 100 + W + windowSize);
            const n = shape.reduce((a, b) => a * b, 1);
            const a = { data: randomFloats(dtype, n, random, 0, 1), shape };
            const b = { data: randomFloats(dtype, n, random, 0, 1), shape };
            for (const reduction of ['mean', 'sum', 'none'] as const) {
              const none = reduction === 'none' ? (ssimLoss(a, b, { windowSize, padding, reduction }) as Tensor).data.length : 0;
              const extra = none ? { gradOutput: randomFloats(dtype, none, random, -1, 1) } : {};
              const [x, y] = onBothBackends(() => ssimLossWithGrad(a, b, { windowSize, padding, reduction, maxVal: 1.5, ...extra }));
              expectSameResult(x, y, dtype, `${JSON.stringify(shape)} ${padding} ${reduction}`);
              ran++;
            }
          }
        }
        expect(ran).toBeGreaterThan(0);
      });
    }
  }

  it('degenerate images: constant (zero variance), identical, anticorrelated, a NaN pixel, values up to 255', () => {
    for (const dtype of DTYPES) {
      const shape = [1, 2, 6, 7];
      const random = rng(77);
      const base = randomFloats(dtype, 84, random, 0, 1);
      /** f of each base value, in the dtype */
      const make = (f: (v: number, i: number) => number) => {
        const a = randomFloats(dtype, 84, random);
        for (let i = 0; i < 84; i++) a[i] = f(base[i], i);
        return a;
      };
      const pairs: Array<[string, FloatArray, FloatArray, number]> = [
        ['constant', make(() => 0.5), make(() => 0.25), 1],
        ['identical', base, base.slice(), 1],
        ['anticorrelated', base, make((v) => 1 - v), 1],
        ['NaN pixel', make((v, i) => (i === 20 ? NaN : v)), base, 1],
        ['bytes', make((v) => Math.round(v * 255)), make((v) => Math.round((1 - v) * 255)), 255],
      ];
      for (const [what, p, q, maxVal] of pairs) {
        for (const reduction of ['mean', 'none'] as const) {
          const [x, y] = onBothBackends(() => ssimLossWithGrad({ data: p, shape }, { data: q, shape }, { windowSize: 5, maxVal, reduction }));
          expectSameResult(x, y, dtype, `${what} ${reduction}`);
        }
      }
    }
  });

  it('a plane too large for the memory limit is computed by the reference instead (same result)', () => {
    const shape = [1, 1, 300, 300];
    const random = rng(12);
    const a = { data: randomFloats('float32', 90000, random, 0, 1), shape };
    const b = { data: randomFloats('float32', 90000, random, 0, 1), shape };
    const limit = getMemoryLimit();
    setMemoryLimit(4 * 1024 * 1024); // 300 × 300 planes need ~10 MiB of scratch maps in float64
    try {
      const [x, y] = onBothBackends(() => ssimLossWithGrad(a, b, { windowSize: 11 }));
      expectSameResult(x, y, 'float32', 'large plane');
    } finally {
      setMemoryLimit(limit);
    }
  });
});

describe('image-quality: gradients match finite differences', () => {
  it('psnrLoss, both images', () => {
    const random = rng(3);
    const x = Float64Array.from({ length: 12 }, () => random());
    const y = Float64Array.from({ length: 12 }, () => random());
    for (const r of onBothBackends(() => psnrLossWithGrad(x, y, { maxVal: 2 }))) {
      expectClose(r.grads[0].data, finiteDifference((v) => psnrLoss(v, y, { maxVal: 2 }), Float64Array.from(x)), 'float64', 'dx', 1e4);
      expectClose(r.grads[1].data, finiteDifference((v) => psnrLoss(x, v, { maxVal: 2 }), Float64Array.from(y)), 'float64', 'dy', 1e4);
    }
  });

  for (const [windowSize, padding, shape] of [[3, 'same', [2, 1, 5, 6]], [5, 'valid', [1, 2, 7, 6]], [5, 'same', [1, 1, 3, 4]], [11, 'same', [1, 1, 6, 7]]] as const) {
    it(`ssimLoss, window ${windowSize}, '${padding}', ${JSON.stringify(shape)}: both images, a weighted 'none'`, () => {
      const random = rng(windowSize * 7);
      const n = (shape as readonly number[]).reduce((a, b) => a * b, 1);
      const x = Float64Array.from({ length: n }, () => random());
      const y = Float64Array.from(x, (v) => Math.min(1, Math.max(0, v + (random() - 0.5) * 0.5)));
      const t = (data: Float64Array) => ({ data, shape: [...shape] });
      const out = ssimLoss(t(x), t(y), { windowSize, padding, reduction: 'none' }) as Tensor;
      const gradOutput = Float64Array.from(out.data, () => random() * 2 - 1);
      const weighted = (a: Float64Array, b: Float64Array) => {
        const l = ssimLoss(t(a), t(b), { windowSize, padding, reduction: 'none' }) as Tensor;
        return Array.from(l.data).reduce((s, v, i) => s + v * gradOutput[i], 0);
      };
      for (const r of onBothBackends(() => ssimLossWithGrad(t(x), t(y), { windowSize, padding, reduction: 'none', gradOutput }))) {
        expectClose(r.grads[0].data, finiteDifference((v) => weighted(v, y), Float64Array.from(x)), 'float64', 'dImg1', 1e4);
        expectClose(r.grads[1].data, finiteDifference((v) => weighted(x, v), Float64Array.from(y)), 'float64', 'dImg2', 1e4);
      }
    });
  }
});

describe('image-quality: semantics and bad input', () => {
  it('psnrLoss is 10·log10(MSE / maxVal²), the MSE over the whole batch', () => {
    const random = rng(9);
    const x = { data: randomFloats('float64', 24, random, 0, 1), shape: [2, 3, 4] };
    const y = { data: randomFloats('float64', 24, random, 0, 1), shape: [2, 3, 4] };
    expect(psnrLoss(x, y, { maxVal: 3 })).toBeCloseTo(10 * Math.log10((mseLoss(x, y) as number) / 9), 12);
  });

  it('identical images: psnrLoss is -Infinity with NaN gradients (PyTorch autograd); ssimLoss is about 1e-11', () => {
    const a = new Float32Array([0.1, 0.5, 0.9]);
    for (const r of onBothBackends(() => psnrLossWithGrad(a, a.slice(), { maxVal: 1 }))) {
      expect(r.loss).toBe(-Infinity);
      expect(Array.from(r.grads[0].data).every(Number.isNaN)).toBe(true);
    }
    const img = { data: Float64Array.from({ length: 36 }, (_, i) => (i % 7) / 7), shape: [1, 1, 6, 6] };
    const s = ssimLoss(img, img, { windowSize: 3 });
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(1e-9);
  });

  it("the Gaussian window and the filter's transpose: <F u, v> = <u, F^T v> on reflect padding", () => {
    expect(Array.from(gaussianWindow(5)).map((v) => +v.toFixed(4))).toEqual([0.1201, 0.2339, 0.2921, 0.2339, 0.1201]); // Kornia's docstring
    const random = rng(11);
    const [H, W] = [4, 7];
    const u = Float64Array.from({ length: H * W }, () => random());
    const v = Float64Array.from({ length: H * W }, () => random());
    for (const axis of [0, 1] as const) {
      const Fu = filterPass(u, 1, H, W, gaussianWindow(7), axis, false);
      const Ftv = filterPass(v, 1, H, W, gaussianWindow(7), axis, true);
      const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i], 0);
      expect(dot(Fu, v)).toBeCloseTo(dot(u, Ftv), 13);
    }
  });

  it("'valid' gives the map without ⌊k/2⌋ on each side; an empty one has mean NaN and sum 0", () => {
    const img = (seed: number) => ({ data: randomFloats('float32', 4 * 6, rng(seed), 0, 1), shape: [1, 1, 4, 6] });
    expect((ssimLoss(img(1), img(2), { windowSize: 3, padding: 'valid', reduction: 'none' }) as Tensor).shape).toEqual([1, 1, 2, 4]);
    expect(ssimLoss(img(1), img(2), { windowSize: 5, padding: 'valid' })).toBeNaN();
    expect(ssimLoss(img(1), img(2), { windowSize: 5, padding: 'valid', reduction: 'sum' })).toBe(0);
  });

  it('does not mutate its arguments', () => {
    const a = { data: randomFloats('float32', 50, rng(4), 0, 1), shape: [1, 2, 5, 5] };
    const b = { data: randomFloats('float32', 50, rng(5), 0, 1), shape: [1, 2, 5, 5] };
    const copies = [a.data.slice(), b.data.slice()];
    ssimLossWithGrad(a, b, { windowSize: 3 });
    psnrLossWithGrad(a, b, { maxVal: 1 });
    expect([a.data, b.data]).toEqual(copies);
  });

  const img = { data: new Float32Array(25), shape: [1, 1, 5, 5] };
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['psnr: maxVal missing', () => psnrLoss(new Float32Array(2), new Float32Array(2), {} as never), TypeError, /^psnrLoss: options.maxVal must be a finite number \(required: Kornia has no default\); got undefined/],
    ['psnr: shapes differ', () => psnrLoss(new Float32Array(3), new Float32Array(4), { maxVal: 1 }), RangeError, /^psnrLoss: target must have input's shape \[3\]; got \[4\]/],
    ['psnr: maxVal not finite', () => psnrLoss(new Float32Array(3), new Float32Array(3), { maxVal: Infinity }), RangeError, /options.maxVal must be a finite number/],
    ['psnr: out on a scalar result', () => psnrLoss(new Float32Array(3), new Float32Array(3), { maxVal: 1, out: new Float32Array(1) } as never), TypeError, /unknown option 'out'/],
    ['ssim: windowSize missing', () => ssimLoss(img, img, {} as never), TypeError, /^ssimLoss: options.windowSize must be an odd integer > 0 \(required: Kornia has no default\)/],
    ['ssim: even window', () => ssimLoss(img, img, { windowSize: 4 }), RangeError, /options.windowSize must be an odd integer > 0; got 4/],
    ['ssim: window larger than the image', () => ssimLoss(img, img, { windowSize: 11 }), RangeError, /windowSize 11 needs images larger than 5 pixels on each side \(reflect padding of 5\); got H = 5, W = 5/],
    ['ssim: valid too small', () => ssimLoss({ data: new Float32Array(15), shape: [1, 1, 3, 5] }, { data: new Float32Array(15), shape: [1, 1, 3, 5] }, { windowSize: 5, padding: 'valid' }), RangeError, /padding 'valid' crops 2 pixels from each side: windowSize 5 needs H and W of at least 4; got H = 3, W = 5/],
    ['ssim: 3-D images', () => ssimLoss({ data: new Float32Array(25), shape: [1, 5, 5] }, { data: new Float32Array(25), shape: [1, 5, 5] }, { windowSize: 3 }), RangeError, /img1 and img2 must have shape \(B, C, H, W\); got \[1, 5, 5\]/],
    ['ssim: shapes differ', () => ssimLoss(img, { data: new Float32Array(20), shape: [1, 1, 5, 4] }, { windowSize: 3 }), RangeError, /img2 must have img1's shape \[1, 1, 5, 5\]; got \[1, 1, 5, 4\]/],
    ['ssim: padding', () => ssimLoss(img, img, { windowSize: 3, padding: 'full' as 'same' }), RangeError, /options.padding must be 'same' or 'valid'; got "full"/],
    ['ssim: mixed dtypes', () => ssimLoss(img, { data: new Float64Array(25), shape: [1, 1, 5, 5] } as never, { windowSize: 3 }), TypeError, /share one dtype/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
