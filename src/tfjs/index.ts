/**
 * simdloss/tfjs: simdloss's losses as TensorFlow.js functions with gradients, for
 * `optimizer.minimize`, `tf.grad` and Keras-style `model.fit`.
 *
 * `losses.<name>(options)` makes a function of tf tensors built on `tf.customGrad`: its value is
 * simdloss's loss and its gradient simdloss's `…WithGrad` result for tf's upstream gradient
 * (`gradOutput`). Every argument PyTorch differentiates gets its gradient; the others (class
 * indices, ±1 labels) get zeros. Options and defaults are simdloss's, i.e. PyTorch's: the
 * torchvision losses (`sigmoidFocalLoss`, the box IoU losses) default to `reduction: 'none'` and
 * return a tensor. `keras(loss)` turns one into a `(yTrue, yPred)` loss for `model.compile`.
 *
 * The loss runs on the CPU: it reads its inputs with `dataSync()`. That is cheap on the `cpu` and
 * `wasm` backends; on a GPU backend it waits for the GPU every step (a warning says so once).
 * `@tensorflow/tfjs-core` is an optional peer dependency: only this entry imports it.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { losses } from 'simdloss/tfjs';
 * const ce = losses.crossEntropy({ labelSmoothing: 0.1 });
 * const logits = tf.variable(tf.randomNormal([8, 3]));
 * const labels = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');
 * const loss = tf.train.adam(0.1).minimize(() => ce(logits, labels), true); // a tf.Scalar
 * ```
 * @module
 */
import type { Scalar, Tensor as TfTensor } from '@tensorflow/tfjs-core';
import * as sl from '../index';
import type {
  AlphaIouLossOptions, BinaryCrossEntropyOptions, BinaryCrossEntropyWithLogitsOptions, BoxLossOptions, CosineEmbeddingLossOptions,
  CosineSimilarityOptions, CrossEntropyOptions, CtcLossOptions, FocalEiouLossOptions, GaussianNllLossOptions, HingeEmbeddingLossOptions,
  HuberLossOptions, IndexInput, KlDivOptions, MarginRankingLossOptions, MultilabelMarginLossOptions, MultiMarginLossOptions, NllLossOptions,
  PairwiseDistanceOptions, PoissonNllLossOptions, RegressionOptions, SigmoidFocalLossOptions, SiouLossOptions, SmoothL1LossOptions,
  SoftMarginLossOptions, TripletMarginLossOptions, TripletMarginWithDistanceLossOptions, WiseIouLossOptions,
  FocalLossOptions, PsnrLossOptions, SsimLossOptions,
} from '../index';
import type { DiceLossOptions, GeneralizedDiceLossOptions, TverskyLossOptions } from '../index';
import { adapt, ADAPTED, type AdaptedInfo, describeValue, type LossSpec } from './adapt';

/** A tf tensor, as `@tensorflow/tfjs-core` declares it. */
export type { TfTensor, Scalar };

/**
 * simdloss's options for a loss, as the adapter takes them: tensors allowed for `weight` and
 * `posWeight` (read once, when the loss is made); no `gradOutput`, `gradInto` or `out` (the adapter
 * passes tf's upstream gradient itself and makes the result tensors).
 */
export type TfLossOptions<O> = { [K in keyof O as K extends 'out' ? never : K]: K extends 'weight' | 'posWeight' ? O[K] | TfTensor : O[K] };

/** What an adapted loss returns: a `tf.Scalar` for `'mean'`/`'sum'`/`'batchmean'`, a tensor for `'none'`. */
export type TfLoss<R> = R extends 'none' ? TfTensor : Scalar;

/**
 * A loss of tf tensors, made by `losses.<name>(options)`: call it inside `optimizer.minimize`,
 * `tf.grad` or `tf.variableGrads`, or pass it to {@link keras}.
 */
export interface TfLossFunction<A extends unknown[], R> {
  (...args: A): TfLoss<R>;
  /** The simdloss function it runs, e.g. `'crossEntropy'`. */
  readonly lossName: string;
}

/** `losses.<name>`: makes the tf function of one loss, with its options (PyTorch's defaults). */
export type TfLossFactory<O, R0 extends string, A extends unknown[]> = <R extends string = R0>(options?: TfLossOptions<O> & { reduction?: R }) => TfLossFunction<A, R>;

/** Wise-IoU as a tf loss: with `version: 'v3'` it keeps the running mean of 1 − IoU between calls. */
export interface TfWiseIouLossFunction<R> extends TfLossFunction<[boxes1: TfTensor, boxes2: TfTensor], R> {
  /** v3: the running mean after the last call (starts at `options.iouMean`; each call uses it and updates it). v1: undefined. */
  readonly iouMean: number | undefined;
}

/** A class-index argument: a tf tensor (int32, or float holding integers) or simdloss's index input. */
export type TfIndexInput = TfTensor | IndexInput;

type T = TfTensor;
type Pair = [input: T, target: T];
type Boxes = [boxes1: T, boxes2: T];

/** Every loss of simdloss's catalogue as a tf function factory. */
export interface TfLosses {
  crossEntropy: TfLossFactory<CrossEntropyOptions, 'mean', [input: T, target: TfIndexInput]>;
  nllLoss: TfLossFactory<NllLossOptions, 'mean', [input: T, target: TfIndexInput]>;
  binaryCrossEntropy: TfLossFactory<BinaryCrossEntropyOptions, 'mean', Pair>;
  binaryCrossEntropyWithLogits: TfLossFactory<BinaryCrossEntropyWithLogitsOptions, 'mean', Pair>;
  multilabelSoftMarginLoss: TfLossFactory<BinaryCrossEntropyOptions, 'mean', Pair>;
  mseLoss: TfLossFactory<RegressionOptions, 'mean', Pair>;
  l1Loss: TfLossFactory<RegressionOptions, 'mean', Pair>;
  smoothL1Loss: TfLossFactory<SmoothL1LossOptions, 'mean', Pair>;
  huberLoss: TfLossFactory<HuberLossOptions, 'mean', Pair>;
  klDiv: TfLossFactory<KlDivOptions, 'mean', Pair>;
  poissonNllLoss: TfLossFactory<PoissonNllLossOptions, 'mean', Pair>;
  gaussianNllLoss: TfLossFactory<GaussianNllLossOptions, 'mean', [input: T, target: T, variance: T | number]>;
  hingeEmbeddingLoss: TfLossFactory<HingeEmbeddingLossOptions, 'mean', [input: T, target: T | IndexInput]>;
  softMarginLoss: TfLossFactory<SoftMarginLossOptions, 'mean', [input: T, target: T | IndexInput]>;
  marginRankingLoss: TfLossFactory<MarginRankingLossOptions, 'mean', [input1: T, input2: T, target: T]>;
  multiMarginLoss: TfLossFactory<MultiMarginLossOptions, 'mean', [input: T, target: TfIndexInput]>;
  multilabelMarginLoss: TfLossFactory<MultilabelMarginLossOptions, 'mean', [input: T, target: TfIndexInput]>;
  cosineEmbeddingLoss: TfLossFactory<CosineEmbeddingLossOptions, 'mean', [input1: T, input2: T, target: T | IndexInput]>;
  /** Not a reduction: always one value per row (a tensor). */
  cosineSimilarity: (options?: TfLossOptions<CosineSimilarityOptions>) => TfLossFunction<[x1: T, x2: T], 'none'>;
  /** Not a reduction: always one value per row (a tensor). */
  pairwiseDistance: (options?: TfLossOptions<PairwiseDistanceOptions>) => TfLossFunction<[x1: T, x2: T], 'none'>;
  tripletMarginLoss: TfLossFactory<TripletMarginLossOptions, 'mean', [anchor: T, positive: T, negative: T]>;
  tripletMarginWithDistanceLoss: TfLossFactory<TripletMarginWithDistanceLossOptions, 'mean', [anchor: T, positive: T, negative: T]>;
  ctcLoss: TfLossFactory<CtcLossOptions, 'mean', [logProbs: T, targets: TfIndexInput, inputLengths: TfIndexInput | number, targetLengths: TfIndexInput | number]>;
  sigmoidFocalLoss: TfLossFactory<SigmoidFocalLossOptions, 'none', Pair>;
  generalizedBoxIouLoss: TfLossFactory<BoxLossOptions, 'none', Boxes>;
  distanceBoxIouLoss: TfLossFactory<BoxLossOptions, 'none', Boxes>;
  completeBoxIouLoss: TfLossFactory<BoxLossOptions, 'none', Boxes>;
  iouLoss: TfLossFactory<BoxLossOptions, 'none', Boxes>;
  eiouLoss: TfLossFactory<BoxLossOptions, 'none', Boxes>;
  focalEiouLoss: TfLossFactory<FocalEiouLossOptions, 'none', Boxes>;
  alphaIouLoss: TfLossFactory<AlphaIouLossOptions, 'none', Boxes>;
  siouLoss: TfLossFactory<SiouLossOptions, 'none', Boxes>;
  wiseIouLoss: <R extends string = 'none'>(options?: TfLossOptions<WiseIouLossOptions> & { reduction?: R }) => TfWiseIouLossFunction<R>;
  // Kornia's (issue 22): their required options (alpha, maxVal, windowSize) make `options` required
  focalLoss: <R extends string = 'none'>(options: TfLossOptions<FocalLossOptions> & { reduction?: R }) => TfLossFunction<[input: T, target: TfIndexInput], R>;
  /** Always one number (no reduction). */
  psnrLoss: (options: TfLossOptions<PsnrLossOptions>) => TfLossFunction<Pair, 'mean'>;
  ssimLoss: <R extends string = 'mean'>(options: TfLossOptions<SsimLossOptions> & { reduction?: R }) => TfLossFunction<[img1: T, img2: T], R>;
  /** MONAI's: the target is float (differentiated), or class indices `(B, 1, spatial…)` with `toOnehotY`. */
  diceLoss: TfLossFactory<DiceLossOptions, 'mean', [input: T, target: T | IndexInput]>;
  generalizedDiceLoss: TfLossFactory<GeneralizedDiceLossOptions, 'mean', [input: T, target: T | IndexInput]>;
  tverskyLoss: TfLossFactory<TverskyLossOptions, 'mean', [input: T, target: T | IndexInput]>;
}

const F = (name: string) => [name, 'float', true] as const;
const NO_GRAD = (name: string) => [name, 'float', false] as const;
const INDEX = (name: string) => [name, 'index', false] as const;
const TWO: LossSpec = { args: [F('input'), F('target')], keras: 'as-is' };
const INPUT_ONLY: LossSpec = { args: [F('input'), NO_GRAD('target')], keras: 'as-is' };
const BOXES: LossSpec = { args: [F('boxes1'), F('boxes2')], keras: 'as-is' };
const SEGMENTATION: LossSpec = { args: [F('input'), ['target', 'segTarget', true]], keras: 'as-is' };

/**
 * Each loss's arguments: which PyTorch differentiates (the …WithGrad twin's `grads`, in order)
 * and how Keras's yTrue becomes the target. test/tfjs.test.ts checks the count against each twin.
 */
export const SPECS: Readonly<Record<keyof TfLosses, LossSpec>> = {
  crossEntropy: { args: [F('input'), ['target', 'ceTarget', false]], keras: 'indices-or-probabilities' },
  nllLoss: { args: [F('input'), INDEX('target')], keras: 'indices' },
  binaryCrossEntropy: INPUT_ONLY,
  binaryCrossEntropyWithLogits: INPUT_ONLY,
  multilabelSoftMarginLoss: INPUT_ONLY,
  mseLoss: TWO,
  l1Loss: TWO,
  smoothL1Loss: TWO,
  huberLoss: TWO,
  klDiv: TWO,
  poissonNllLoss: TWO,
  gaussianNllLoss: { args: [F('input'), F('target'), ['variance', 'floatOrNumber', true]], keras: 'as-is' },
  hingeEmbeddingLoss: INPUT_ONLY,
  softMarginLoss: INPUT_ONLY,
  marginRankingLoss: { args: [F('input1'), F('input2'), F('target')], keras: 'as-is' },
  multiMarginLoss: { args: [F('input'), INDEX('target')], keras: 'indices' },
  multilabelMarginLoss: { args: [F('input'), INDEX('target')], keras: 'multilabel' },
  cosineEmbeddingLoss: { args: [F('input1'), F('input2'), NO_GRAD('target')], keras: 'as-is' },
  cosineSimilarity: { args: [F('x1'), F('x2')], keras: 'as-is' },
  pairwiseDistance: { args: [F('x1'), F('x2')], keras: 'as-is' },
  tripletMarginLoss: { args: [F('anchor'), F('positive'), F('negative')], keras: 'as-is' },
  tripletMarginWithDistanceLoss: { args: [F('anchor'), F('positive'), F('negative')], keras: 'as-is' },
  ctcLoss: { args: [F('logProbs'), INDEX('targets'), INDEX('inputLengths'), INDEX('targetLengths')], keras: 'as-is' },
  sigmoidFocalLoss: INPUT_ONLY,
  generalizedBoxIouLoss: BOXES,
  distanceBoxIouLoss: BOXES,
  completeBoxIouLoss: BOXES,
  iouLoss: BOXES,
  eiouLoss: BOXES,
  focalEiouLoss: BOXES,
  alphaIouLoss: BOXES,
  siouLoss: BOXES,
  wiseIouLoss: BOXES,
  focalLoss: { args: [F('input'), INDEX('target')], keras: 'indices' },
  psnrLoss: TWO,
  ssimLoss: { args: [F('img1'), F('img2')], keras: 'as-is' },
  diceLoss: SEGMENTATION,
  generalizedDiceLoss: SEGMENTATION,
  tverskyLoss: SEGMENTATION,
};

type AnyFn = (...args: unknown[]) => unknown;

function factory(name: keyof TfLosses) {
  const lib = sl as unknown as Record<string, AnyFn>;
  const plain = lib[name];
  const withGrad = lib[`${name}WithGrad`];
  return (options?: unknown) => {
    const info = adapt(name, SPECS[name], plain, withGrad, options);
    const fn = (...args: unknown[]) => info.call(args, false);
    Object.defineProperty(fn, 'name', { value: name });
    Object.defineProperty(fn, 'lossName', { value: name, enumerable: true });
    Object.defineProperty(fn, 'iouMean', { get: () => info.iouMean, enumerable: true });
    Object.defineProperty(fn, ADAPTED, { value: info });
    return fn;
  };
}

/**
 * Every loss of simdloss's catalogue as a TensorFlow.js function: `losses.<name>(options)` returns
 * `(input, target, ...) => tf.Scalar` (a tensor for `reduction: 'none'`), differentiable by tf.
 * Arguments are in PyTorch's order (input first), as in simdloss; `reduction` and every other
 * option default as in simdloss and PyTorch (torchvision's losses: `'none'`).
 *
 * Tensors are read by dtype: float arguments as float32 (an int32 or bool tensor is converted),
 * class indices as int32 (a float tensor of integers is accepted). `crossEntropy`'s target is
 * class probabilities when it is a float tensor of the input's shape, class indices otherwise.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { losses } from 'simdloss/tfjs';
 * const mse = losses.mseLoss();
 * const x = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
 * const y = tf.tensor2d([[1, 0], [0, 4]]);
 * const dx = tf.grad((v: tf.Tensor) => mse(v, y))(x); // [[0, 1], [1.5, 0]], as F.mse_loss's
 * ```
 */
export const losses: TfLosses = Object.freeze(
  Object.fromEntries((Object.keys(SPECS) as (keyof TfLosses)[]).map((name) => [name, factory(name)])),
) as unknown as TfLosses;

/** A Keras loss: what `model.compile({ loss })` takes. */
export type KerasLoss = (yTrue: TfTensor, yPred: TfTensor) => TfTensor;

/**
 * A loss of {@link losses} as a Keras loss `(yTrue, yPred)`, for `model.compile({ loss })`.
 * Keras passes the labels first; the loss gets `(yPred, yTrue)`. Where the loss takes class
 * indices (`crossEntropy`, `nllLoss`, `multiMarginLoss`), one-hot `yTrue` rows become indices
 * (`(batch)` or `(batch, 1)` sparse labels are taken as indices; `crossEntropy` takes rows that
 * are not one-hot as class probabilities); for `multilabelMarginLoss` multi-hot rows become
 * PyTorch's index lists. Those losses need `(batch, classes)` predictions (Keras puts classes
 * last, PyTorch at dim 1).
 *
 * @param loss - A function made by `losses.<name>(options)` whose loss takes two arguments.
 * @returns `(yTrue, yPred) => loss(yPred, target)`.
 * @throws TypeError if `loss` is not made by {@link losses} or takes other than two arguments.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { keras, losses } from 'simdloss/tfjs';
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
 * model.compile({ optimizer: 'adam', loss: keras(losses.crossEntropy()) });
 * ```
 */
export function keras(loss: { (...args: never): unknown; readonly lossName: string }): KerasLoss {
  const info = (typeof loss === 'function' ? (loss as unknown as Record<symbol, AdaptedInfo | undefined>)[ADAPTED] : undefined);
  if (!info) {
    throw new TypeError(`keras (simdloss/tfjs): loss must be a function made by losses.<name>(options), e.g. keras(losses.crossEntropy()); got ${describeValue(loss)}`);
  }
  if (info.spec.args.length !== 2) {
    throw new TypeError(`keras (simdloss/tfjs): ${info.name} takes ${info.spec.args.length} tensors (${info.spec.args.map((a) => a[0]).join(', ')}); a Keras loss takes two (yTrue, yPred)`);
  }
  const k = (yTrue: TfTensor, yPred: TfTensor) => info.call([yPred, yTrue], true);
  Object.defineProperty(k, 'name', { value: info.name });
  return k;
}
