/**
 * simdloss: PyTorch's loss functions for JavaScript and TypeScript, with the same names, options,
 * defaults, shapes, values and gradients as `torch.nn.functional`, on WebAssembly SIMD kernels.
 *
 * Every loss `f` has a twin `fWithGrad` that returns `{ loss, grad, grads }`. Results narrow on
 * `reduction` (a number for `'mean'`/`'sum'`, a tensor for `'none'`) and keep the inputs' dtype
 * (Float32Array in, Float32Array out).
 *
 * @example
 * ```ts
 * import { crossEntropy, crossEntropyWithGrad } from 'simdloss';
 * const logits = { data: new Float32Array([2, 0.5, -1, 0.1, 1.2, 0.3]), shape: [2, 3] };
 * const loss: number = crossEntropy(logits, [0, 1]);
 * const grad: Float32Array = crossEntropyWithGrad(logits, [0, 1]).grad.data;
 * ```
 * @module
 */
// Public exports only; importing has no side effects (the kernels compile on first use or init()).
export { allocTensor, backend, getMemoryLimit, init, memoryUsage, setBackend, setMemoryLimit, threadCount, type InitOptions } from './backend';
export { WasmTensor } from './wasm/resident';
export type {
  Backend, Dtype, FloatArray, Float16ArrayLike, StorageDtype, FloatInput, GradOptions, GradTarget, IndexInput, IntegerArray, Loss, NestedIndices, NestedNumbers, Reduction, ResultArray, Tensor, WithGrad,
} from './types';

export {
  logSoftmax, logSoftmaxWithGrad, sigmoid, sigmoidWithGrad, softmax, softmaxWithGrad, type SoftmaxOptions, type SigmoidOptions,
} from './losses/softmax';
export {
  crossEntropy, crossEntropyWithGrad, nllLoss, nllLossWithGrad, type CrossEntropyOptions, type NllLossOptions,
} from './losses/cross-entropy';
export {
  binaryCrossEntropy, binaryCrossEntropyWithGrad, binaryCrossEntropyWithLogits, binaryCrossEntropyWithLogitsWithGrad,
  multilabelSoftMarginLoss, multilabelSoftMarginLossWithGrad,
  type BinaryCrossEntropyOptions, type BinaryCrossEntropyWithLogitsOptions,
} from './losses/binary-cross-entropy';
export {
  huberLoss, huberLossWithGrad, l1Loss, l1LossWithGrad, mseLoss, mseLossWithGrad, smoothL1Loss, smoothL1LossWithGrad,
  type HuberLossOptions, type RegressionOptions, type SmoothL1LossOptions,
} from './losses/regression';
export {
  cosineEmbeddingLoss, cosineEmbeddingLossWithGrad, cosineSimilarity, cosineSimilarityWithGrad, type CosineEmbeddingLossOptions, type CosineSimilarityOptions,
} from './losses/cosine-similarity';
export { klDiv, klDivWithGrad, type KlDivOptions, type KlDivReduction } from './losses/kl-div';
export {
  hingeEmbeddingLoss, hingeEmbeddingLossWithGrad, marginRankingLoss, marginRankingLossWithGrad, softMarginLoss, softMarginLossWithGrad,
  type HingeEmbeddingLossOptions, type MarginRankingLossOptions, type SoftMarginLossOptions,
} from './losses/margin';
export {
  multiMarginLoss, multiMarginLossWithGrad, multilabelMarginLoss, multilabelMarginLossWithGrad,
  type MultiMarginLossOptions, type MultilabelMarginLossOptions,
} from './losses/multi-margin';
export { sigmoidFocalLoss, sigmoidFocalLossWithGrad, type SigmoidFocalLossOptions } from './losses/focal';
export { ctcLoss, ctcLossWithGrad, type CtcLossOptions } from './losses/ctc';
export {
  alphaIouLoss, alphaIouLossWithGrad, completeBoxIouLoss, completeBoxIouLossWithGrad, distanceBoxIouLoss, distanceBoxIouLossWithGrad, eiouLoss, eiouLossWithGrad,
  focalEiouLoss, focalEiouLossWithGrad, generalizedBoxIouLoss, generalizedBoxIouLossWithGrad, iouLoss, iouLossWithGrad, siouLoss, siouLossWithGrad,
  wiseIouLoss, wiseIouLossWithGrad,
  type AlphaIouForm, type AlphaIouLossOptions, type BoxLossOptions, type FocalEiouLossOptions, type SiouLossOptions, type WiseIouLossOptions, type WiseIouMean, type WiseIouV3Result,
} from './losses/box-iou';
export {
  pairwiseDistance, pairwiseDistanceWithGrad, tripletMarginLoss, tripletMarginLossWithGrad, tripletMarginWithDistanceLoss, tripletMarginWithDistanceLossWithGrad,
  type PairwiseDistanceOptions, type TripletMarginLossOptions, type TripletMarginWithDistanceLossOptions,
} from './losses/distance';
export {
  gaussianNllLoss, gaussianNllLossWithGrad, poissonNllLoss, poissonNllLossWithGrad, type GaussianNllLossOptions, type PoissonNllLossOptions,
} from './losses/likelihood';
// Kornia 0.7.4's losses (issue 22): the softmax focal loss, PSNR and SSIM
export { focalLoss, focalLossWithGrad, type FocalLossOptions } from './losses/softmax-focal';
export { psnrLoss, psnrLossWithGrad, ssimLoss, ssimLossWithGrad, type PsnrLossOptions, type SsimLossOptions } from './losses/image-quality';
export {
  diceLoss, diceLossWithGrad, generalizedDiceLoss, generalizedDiceLossWithGrad, tverskyLoss, tverskyLossWithGrad,
  type DiceCommonOptions, type DiceLossOptions, type GeneralizedDiceLossOptions, type TverskyLossOptions,
} from './losses/dice';
export {
  lovaszHingeLoss, lovaszHingeLossWithGrad, lovaszSoftmaxLoss, lovaszSoftmaxLossWithGrad, type LovaszSoftmaxLossOptions,
} from './losses/lovasz';
