// Semantics fixed after the third adversarial review (issue 20). Expected values come from
// PyTorch 1.13 in float64 (quoted in the issue) or from PyTorch's formula written out here;
// each case runs on both backends, and in both dtypes where the dtype matters.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as simdloss from '../src/index';
import {
  allocTensor, cosineEmbeddingLoss, cosineSimilarity, cosineSimilarityWithGrad, crossEntropy, crossEntropyWithGrad, ctcLoss, multiMarginLoss, multilabelMarginLoss, getMemoryLimit, klDiv, klDivWithGrad, memoryUsage, nllLoss, nllLossWithGrad,
  pairwiseDistance, pairwiseDistanceWithGrad, setBackend, setMemoryLimit, tripletMarginLoss, tripletMarginLossWithGrad, tripletMarginWithDistanceLoss,
} from '../src/index';
import type { Dtype, Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { finiteDifference } from './helpers/numeric';
import { DTYPES } from './helpers/suites';

const BACKENDS = ['wasm-simd', 'js'] as const;

afterEach(() => setBackend('wasm-simd'));

function floats(dtype: Dtype, data: number[]): Float32Array | Float64Array {
  return dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data);
}

/** Each backend and dtype, with the backend set. */
function eachCase(name: string, body: (dtype: Dtype) => void): void {
  for (const backend of BACKENDS) {
    for (const dtype of DTYPES) {
      it(`${name} (${backend}, ${dtype})`, () => {
        setBackend(backend);
        body(dtype);
      });
    }
  }
}

describe('1. crossEntropy with -Infinity logits', () => {
  const X = [0, -Infinity, -Infinity, 2, 1, -Infinity];
  // log Σ exp of row 1 minus its target logit: F.cross_entropy's second row loss
  const row1 = Math.log(Math.exp(2) + Math.exp(1)) - 1;
  const p1 = [Math.exp(2) / (Math.exp(2) + Math.exp(1)), Math.exp(1) / (Math.exp(2) + Math.exp(1)), 0];

  eachCase('without smoothing the -inf logits add nothing (PyTorch: 0.65663 for the mean)', (dtype) => {
    const x = { data: floats(dtype, X), shape: [2, 3] };
    expect(row1 / 2).toBeCloseTo(0.65663, 5);
    const r = crossEntropyWithGrad(x, [0, 1]);
    expectClose([r.loss as number], [row1 / 2], dtype, 'mean');
    expectClose([crossEntropy(x, [0, 1], { reduction: 'sum' }) as number], [row1], dtype, 'sum');
    expectClose((crossEntropy(x, [0, 1], { reduction: 'none' }) as Tensor).data, [0, row1], dtype, 'none');
    expectClose(r.grad.data, [0, 0, 0, p1[0] / 2, (p1[1] - 1) / 2, 0], dtype, 'grad');
  });

  eachCase('with smoothing the loss is +Infinity (Σ_c log p_c has a -inf term), the gradient finite', (dtype) => {
    const x = { data: floats(dtype, X), shape: [2, 3] };
    const eps = 0.1;
    const r = crossEntropyWithGrad(x, [0, 1], { labelSmoothing: eps });
    expect(r.loss).toBe(Infinity);
    // autograd of (1-ε)·nll + (ε/C)·Σ_c -log p_c: log_softmax's backward g - p·Σg stays finite
    const p0 = [1, 0, 0];
    const want: number[] = [];
    for (const [p, t] of [[p0, 0], [p1, 1]] as const) {
      for (let c = 0; c < 3; c++) want.push(((1 - eps) * (p[c] - (c === t ? 1 : 0)) + (eps / 3) * (3 * p[c] - 1)) / 2);
    }
    expectClose(r.grad.data, want, dtype, 'grad');
  });
});

describe("2. klDiv 'batchmean' divides by the input's first dim", () => {
  const input = [-1, -2, -0.5];
  const target = [[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]];
  eachCase('a (3) input against a (2, 3) target divides by 3 (PyTorch 0.19080)', (dtype) => {
    const x = { data: floats(dtype, input), shape: [3] };
    const t = { data: floats(dtype, target.flat()), shape: [2, 3] };
    let sum = 0;
    for (const row of target) row.forEach((v, j) => { sum += v * (Math.log(v) - input[j]); });
    expect(sum / 3).toBeCloseTo(0.19080, 5);
    const r = klDivWithGrad(x, t, { reduction: 'batchmean' });
    expectClose([r.loss as number], [sum / 3], dtype, 'batchmean');
    expectClose(r.grads[0].data, input.map((_, j) => -(target[0][j] + target[1][j]) / 3), dtype, 'dInput');
    expectClose(r.grads[1].data, target.flat().map((v, i) => (Math.log(v) + 1 - input[i % 3]) / 3), dtype, 'dTarget');
  });

  eachCase('a 0-d input is not divided; a (2, 3) input by a (3) target still divides by 2', (dtype) => {
    const t = { data: floats(dtype, target.flat()), shape: [2, 3] };
    const scalar = { data: floats(dtype, [-1]), shape: [] };
    expectClose([klDiv(scalar, t, { reduction: 'batchmean' }) as number], [klDiv(scalar, t, { reduction: 'sum' }) as number], dtype, '0-d');
    const x = { data: floats(dtype, target.flat().map(Math.log)), shape: [2, 3] };
    const t1 = { data: floats(dtype, [0.2, 0.3, 0.5]), shape: [3] };
    expectClose([klDiv(x, t1, { reduction: 'batchmean' }) as number], [(klDiv(x, t1, { reduction: 'sum' }) as number) / 2], dtype, '(2, 3)');
  });

  it('the gradients match finite differences on both backends', () => {
    for (const backend of BACKENDS) {
      setBackend(backend);
      const x = Float64Array.from(input);
      const t = Float64Array.from(target.flat());
      const o = { reduction: 'batchmean' as const };
      const r = klDivWithGrad({ data: x, shape: [3] }, { data: t, shape: [2, 3] }, o);
      const fx = (v: Float64Array) => klDiv({ data: v, shape: [3] }, { data: t, shape: [2, 3] }, o) as number;
      const ft = (v: Float64Array) => klDiv({ data: x, shape: [3] }, { data: v, shape: [2, 3] }, o) as number;
      expectClose(r.grads[0].data, finiteDifference(fx, Float64Array.from(x)), 'float64', `${backend} dInput`, 1e4);
      expectClose(r.grads[1].data, finiteDifference(ft, Float64Array.from(t)), 'float64', `${backend} dTarget`, 1e4);
    }
  });
});

describe('4. crossEntropy with labelSmoothing over a zero weight sum', () => {
  // the used targets (class 0) weigh 0; the third row is ignored
  const X = [1, 2, 0.5, 0.3, -1, 2, 1, 1, 1];
  const W = [0, 1, 2];
  const T = [0, 0, -100];
  const eps = 0.1;
  const logSoftmax = (row: number[]) => {
    const m = Math.max(...row);
    const ls = Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    return row.map((v) => v - m - ls);
  };
  // PyTorch's (1-ε)·nll + (ε/C)·Σ_c -w_c·lp_c per used row; nll is 0 (w_t = 0)
  const rowLoss = [0, 1].map((r) => (eps / 3) * logSoftmax(X.slice(3 * r, 3 * r + 3)).reduce((a, lp, c) => a - W[c] * lp, 0));

  eachCase("'mean' is NaN, and so is the gradient of every used row (ignored rows 0), as PyTorch", (dtype) => {
    const x = { data: floats(dtype, X), shape: [3, 3] };
    const r = crossEntropyWithGrad(x, T, { labelSmoothing: eps, weight: floats(dtype, W) });
    expect(r.loss).toBeNaN();
    expect(Array.from(r.grad.data).slice(0, 6).every(Number.isNaN), `${Array.from(r.grad.data)}`).toBe(true);
    expect(Array.from(r.grad.data).slice(6)).toEqual([0, 0, 0]);
  });

  eachCase("'sum' and 'none' stay finite: the smoothing term alone", (dtype) => {
    const x = { data: floats(dtype, X), shape: [3, 3] };
    const o = { labelSmoothing: eps, weight: floats(dtype, W) };
    expectClose([crossEntropy(x, T, { ...o, reduction: 'sum' }) as number], [rowLoss[0] + rowLoss[1]], dtype, 'sum');
    expectClose((crossEntropy(x, T, { ...o, reduction: 'none' }) as Tensor).data, [...rowLoss, 0], dtype, 'none');
    const f = (v: Float64Array) => crossEntropy({ data: v, shape: [3, 3] }, T, { labelSmoothing: eps, weight: Float64Array.from(W), reduction: 'sum' }) as number;
    const g = crossEntropyWithGrad(x, T, { ...o, reduction: 'sum' }).grad.data;
    expectClose(g, finiteDifference(f, Float64Array.from(X)), dtype, 'sum grad', 1e3);
  });
});

describe('3. nllLoss on inputs whose batch element exceeds the memory limit', () => {
  const MiB = 1024 * 1024;
  afterEach(() => setMemoryLimit(64 * MiB));

  it('(1, 21, 1024, 1024) float32 under the default 64 MiB limit (was "one item needs 96468992 bytes")', () => {
    const [C, inner] = [21, 1024 * 1024];
    const x = new Float32Array(C * inner);
    for (let i = 0; i < x.length; i++) x[i] = -(i % 97) / 8;
    const t = Int32Array.from({ length: inner }, (_, i) => (i * 7) % C);
    let sum = 0;
    for (let s = 0; s < inner; s++) sum -= x[t[s] * inner + s];
    for (const backend of BACKENDS) {
      setBackend(backend);
      expect(getMemoryLimit()).toBe(64 * MiB);
      const loss = nllLoss({ data: x, shape: [1, C, 1024, 1024] }, { data: t, shape: [1, 1024, 1024] });
      expectClose([loss], [sum / inner], 'float32', backend);
    }
    expect(memoryUsage()).toBeLessThanOrEqual(64 * MiB);
  });

  // (2, 3, 100000): one batch element and its gradient are 2.4 MB (float32) or 4.8 MB (float64)
  const [N, C, inner] = [2, 3, 100000];
  const data = Array.from({ length: N * C * inner }, (_, i) => -((i * 37) % 101) / 16);
  const targets = Int32Array.from({ length: N * inner }, (_, r) => (r % 11 === 0 ? -100 : (r * 5) % C));
  const weight = [0.5, 2, 1.25];
  const expected = () => {
    const loss = new Float64Array(N * inner);
    const grad = new Float64Array(N * C * inner);
    for (let r = 0; r < N * inner; r++) {
      const tr = targets[r];
      if (tr < 0) continue;
      const [n, s] = [Math.floor(r / inner), r % inner];
      loss[r] = -weight[tr] * data[(n * C + tr) * inner + s];
      grad[(n * C + tr) * inner + s] = -weight[tr];
    }
    return { loss, grad };
  };

  eachCase('a 2 MiB limit gives the formula, bit for bit what the 64 MiB limit gives', (dtype) => {
    const x = { data: floats(dtype, data), shape: [N, C, inner] };
    const t = { data: targets, shape: [N, inner] };
    const o = { weight: floats(dtype, weight), reduction: 'sum' as const };
    const none = { ...o, reduction: 'none' as const };
    const big = [nllLossWithGrad(x, t, o), nllLossWithGrad(x, t, none)];
    setMemoryLimit(2 * MiB);
    const small = [nllLossWithGrad(x, t, o), nllLossWithGrad(x, t, none)];
    const want = expected();
    expectClose([small[0].loss as number], [want.loss.reduce((a, v) => a + v, 0)], dtype, 'sum', 10);
    expectClose((small[1].loss as Tensor).data, want.loss, dtype, 'none');
    expectClose(small[0].grad.data, want.grad, dtype, 'grad');
    expect((small[1].loss as Tensor).data).toEqual((big[1].loss as Tensor).data);
    expect(small[0].grad.data).toEqual(big[0].grad.data);
    expect(small[1].grad.data).toEqual(big[1].grad.data);
  });

  eachCase("'none' with gradOutput, a resident input and a WasmTensor gradInto under a tight limit", (dtype) => {
    const gradOutput = { data: floats(dtype, Array.from({ length: N * inner }, (_, r) => (r % 7) - 3)), shape: [N, inner] };
    const t = { data: targets, shape: [N, inner] };
    const o = { weight: floats(dtype, weight), reduction: 'none' as const, gradOutput };
    const plain = nllLossWithGrad({ data: floats(dtype, data), shape: [N, C, inner] }, t, o);
    const bytes = N * C * inner * (dtype === 'float32' ? 4 : 8);
    setMemoryLimit(2 * bytes + 2 * MiB); // the two tensors and 2 MiB: an element and its gradient do not fit
    const x = allocTensor(dtype, [N, C, inner]);
    const g = allocTensor(dtype, [N, C, inner]);
    try {
      x.data.set(data);
      const r = nllLossWithGrad(x, t, { ...o, gradInto: [g] });
      expect((r.loss as Tensor).data).toEqual((plain.loss as Tensor).data);
      expect(g.data).toEqual(plain.grad.data);
      const want = expected();
      expectClose(g.data, want.grad.map((v, i) => v * gradOutput.data[Math.floor(i / (C * inner)) * inner + (i % inner)]), dtype, 'grad');
    } finally {
      x.free();
      g.free();
    }
  });
});

describe('5b. a revoked Proxy anywhere is a TypeError naming the function and the argument', () => {
  const revoked = (target: object) => {
    const p = Proxy.revocable(target, {});
    p.revoke();
    return p.proxy;
  };
  const api = simdloss as unknown as Record<string, (...a: unknown[]) => unknown>;
  const losses = Object.keys(api).filter((k) => typeof api[k] === 'function' && typeof api[`${k}WithGrad`] === 'function');
  const arity: Record<string, number> = {
    softmax: 1, logSoftmax: 1, sigmoid: 1, cosineEmbeddingLoss: 3, marginRankingLoss: 3, tripletMarginLoss: 3,
    tripletMarginWithDistanceLoss: 3, gaussianNllLoss: 3, ctcLoss: 4,
  };

  it('a class-index target of crossEntropy (was the engine\'s "Cannot perform \'IsArray\'…")', () => {
    for (const backend of BACKENDS) {
      setBackend(backend);
      const x = { data: new Float32Array(6), shape: [2, 3] };
      expect(() => crossEntropy(x, revoked([0, 1]) as number[])).toThrow(/^crossEntropy: target could not be read/);
      expect(() => crossEntropy(x, revoked({ data: [0, 1], shape: [2] }) as number[])).toThrow(/^crossEntropy: target could not be read/);
    }
  });

  it('every argument and the options of every loss and its twin', () => {
    expect(losses.length).toBeGreaterThan(30);
    const leaks: string[] = [];
    for (const name of losses) {
      for (const fn of [name, `${name}WithGrad`]) {
        const n = arity[name] ?? 2;
        for (let i = 0; i <= n; i++) {
          for (const bad of [revoked([0, 1]), revoked({ data: [0, 1], shape: [2] })]) {
            const args: unknown[] = Array.from({ length: n }, () => ({ data: new Float32Array([0.5, 0.25, 0.1, 0.7]), shape: [2, 2] }));
            args[i] = bad; // i = n: the options
            try {
              api[fn](...args);
              leaks.push(`${fn} #${i}: no error`);
            } catch (e) {
              const text = (e as Error).message;
              if (!(e instanceof TypeError) || !text.startsWith(`${fn}: `)) leaks.push(`${fn} #${i}: ${text}`);
            }
          }
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});

// main's IndexTensor.at reports a BigInt beyond 2^53 in full (this branch's own fix was the same)
describe('5d. a BigInt class index out of bounds is reported exactly', () => {
  const MAX = 2n ** 63n - 1n;
  const x = { data: new Float32Array(6), shape: [2, 3] };
  const lp = { data: new Float32Array(12).fill(Math.log(1 / 3)), shape: [4, 1, 3] };
  const calls: Array<[string, () => unknown]> = [
    ['crossEntropy', () => crossEntropy(x, new BigInt64Array([0n, MAX]))],
    ['nllLoss', () => nllLoss(x, { data: new BigInt64Array([0n, MAX]), shape: [2] })],
    ['multiMarginLoss', () => multiMarginLoss(x, new BigInt64Array([0n, MAX]))],
    ['multilabelMarginLoss', () => multilabelMarginLoss(x, { data: new BigInt64Array([0n, -1n, 0n, MAX, -1n, 0n]), shape: [2, 3] })],
    ['ctcLoss', () => ctcLoss(lp, { data: new BigInt64Array([1n, MAX]), shape: [1, 2] }, [4], [2])],
    ['ctcLoss', () => ctcLoss(lp, [1], [4], new BigInt64Array([MAX]))],
  ];
  for (const backend of BACKENDS) {
    it(`names 9223372036854775807, not 9223372036854776000 (${backend})`, () => {
      setBackend(backend);
      for (const [fn, call] of calls) {
        let error: unknown = null;
        try {
          call();
        } catch (e) {
          error = e;
        }
        expect(error, fn).toBeInstanceOf(RangeError);
        expect((error as Error).message, fn).toMatch(new RegExp(`^${fn}: .*\\b9223372036854775807\\b`));
      }
      expect(() => crossEntropy(x, new BigUint64Array([0n, 2n ** 64n - 1n]))).toThrow(/^crossEntropy: .*\b18446744073709551615\b/);
    });
  }
});

describe('5c. row losses over empty rows (D = 0) cost no per-row work', () => {
  const empty = (dtype: Dtype, rows: number) => ({ data: floats(dtype, []), shape: [rows, 0] });
  // PyTorch: the norm of an empty vector is 0 and its cosine 0/eps = 0, so each triplet row is
  // max(margin + d - d, 0) = max(margin, 0), with d = 0 (pairwise) or 1 - 0 (cosine)

  eachCase('tripletMarginLoss on (1e8, 0): the margin, at once (was over 8 s)', (dtype) => {
    const N = 1e8;
    const t0 = performance.now();
    expect(tripletMarginLoss(empty(dtype, N), empty(dtype, N), empty(dtype, N))).toBe(1);
    expect(tripletMarginLoss(empty(dtype, N), empty(dtype, 1), empty(dtype, N), { margin: 0.5, reduction: 'sum', swap: true })).toBe(0.5 * N);
    expect(tripletMarginLoss(empty(dtype, N), empty(dtype, N), empty(dtype, N), { margin: -2 })).toBe(0);
    expect(tripletMarginWithDistanceLoss(empty(dtype, N), empty(dtype, N), empty(dtype, N), { distance: 'cosine', margin: 0.25 })).toBe(0.25);
    const r = tripletMarginLossWithGrad(empty(dtype, N), empty(dtype, 1), empty(dtype, N), { reduction: 'sum' });
    expect(r.loss).toBe(N);
    expect(r.grads.map((g) => g.shape)).toEqual([[N, 0], [1, 0], [N, 0]]);
    expect(r.grads.map((g) => g.data.length)).toEqual([0, 0, 0]);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  eachCase("'none' and the distances fill one value per row", (dtype) => {
    const N = 1e6;
    const none = tripletMarginLoss(empty(dtype, N), empty(dtype, N), empty(dtype, N), { margin: 0.75, reduction: 'none' }) as Tensor;
    expect(none.shape).toEqual([N]);
    expect(none.data.every((v) => v === 0.75)).toBe(true);
    const d = pairwiseDistanceWithGrad(empty(dtype, N), empty(dtype, N), { keepdim: true });
    expect(d.loss.shape).toEqual([N, 1]);
    expect(d.loss.data.length === N && d.loss.data.every((v) => v === 0)).toBe(true);
    expect(d.grads.map((g) => g.shape)).toEqual([[N, 0], [N, 0]]);
    const c = cosineSimilarityWithGrad(empty(dtype, N), empty(dtype, N));
    expect(c.loss.shape).toEqual([N]);
    expect(c.loss.data.length === N && c.loss.data.every((v) => v === 0)).toBe(true);
    expect(c.grads.map((g) => g.shape)).toEqual([[N, 0], [N, 0]]);
    // dim 0 empty, rows along dim 1 of a (0, 3) input: three empty rows
    expect(Array.from((cosineSimilarity({ data: floats(dtype, []), shape: [0, 3] }, { data: floats(dtype, []), shape: [0, 3] }, { dim: 0 }) as Tensor).data)).toEqual([0, 0, 0]);
    expect(Array.from((pairwiseDistance(empty(dtype, 3), empty(dtype, 3), { p: 1 }) as Tensor).data)).toEqual([0, 0, 0]);
    const y = floats(dtype, [1, -1, 1, 0]);
    // 1 - cos = 1 where the label is 1; max(0, cos - margin) = max(0, 0.5) where it is -1
    expect(cosineEmbeddingLoss(empty(dtype, 4), empty(dtype, 4), y, { margin: -0.5, reduction: 'sum' })).toBe(2.5);
  });
});

describe('5e. the tarball', () => {
  const root = join(__dirname, '..');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const [info] = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })) as { files: { path: string }[] }[];
  const files = new Set(info.files.map((f) => f.path));

  it('ships no src/ (its imports of the generated, unshipped src/wasm/modules/ dangled)', () => {
    expect([...files].filter((f) => f.startsWith('src/'))).toEqual([]);
    expect(files).toContain('dist/index.js');
  });

  it('has no relative import, require or map source that names a file it lacks', () => {
    const code = [...files].filter((f) => /\.(c?js|d\.c?ts|ts|mjs)$/.test(f));
    expect(code.length).toBeGreaterThan(4);
    const dangling: string[] = [];
    for (const f of code) {
      const text = readFileSync(join(root, f), 'utf8');
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g)) {
        const target = posix.normalize(posix.join(posix.dirname(f), m[2]));
        const found = ['', '.js', '.cjs', '.d.ts', '.ts', '/index.js', '/index.d.ts'].some((ext) => files.has(target + ext));
        if (!found) dangling.push(`${f} imports ${m[2]}`);
      }
    }
    for (const map of [...files].filter((f) => f.endsWith('.map'))) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
      sources.forEach((src, i) => {
        if (typeof sourcesContent?.[i] !== 'string' && !files.has(posix.normalize(posix.join(posix.dirname(map), src)))) dangling.push(`${map} names ${src}`);
      });
    }
    expect(dangling).toEqual([]);
  });
});
