// A TypeScript consumer of the built package (dist/*.d.ts, resolved through package.json
// "exports" by the package's own name). test/types.test.ts compiles it with tsc under strict mode,
// lib es2022 alone, skipLibCheck false, and node16 and bundler resolution. Every
// `@ts-expect-error` line must be an error: a type that widens again fails the compile.
import {
  allocTensor, alphaIouLoss, binaryCrossEntropy, binaryCrossEntropyWithLogitsWithGrad, cosineSimilarity, cosineSimilarityWithGrad,
  crossEntropy, crossEntropyWithGrad, ctcLoss, gaussianNllLoss, generalizedBoxIouLoss, generalizedBoxIouLossWithGrad, init, klDiv,
  klDivWithGrad, logSoftmax, marginRankingLossWithGrad, mseLoss, mseLossWithGrad, multiMarginLoss, nllLoss, pairwiseDistance,
  sigmoid, sigmoidFocalLoss, sigmoidFocalLossWithGrad, softmax, softmaxWithGrad, tripletMarginLoss, wiseIouLoss,
  wiseIouLossWithGrad, WasmTensor,
  type Backend, type FloatArray, type Loss, type RegressionOptions, type Reduction, type ResultArray, type Tensor, type WithGrad,
} from 'simdloss';

/** Marks values as used (lib es2022 has no console). */
function use(...values: unknown[]): void {
  void values;
}

const a = new Float32Array([1, 2, 3]);
const b = new Float32Array([1, 2, 5]);
const f32x: Tensor<Float32Array> = { data: new Float32Array(6), shape: [2, 3] };
const f64x = { data: new Float64Array(6), shape: [2, 3] };
const t = new Int32Array([0, 1]);

// The three cases, with no casts.
const l: number = mseLoss(a, b);
const perSample: Float32Array = crossEntropy(f32x, t, { reduction: 'none' }).data;
const grad: Float32Array = crossEntropyWithGrad(f32x, t).grad.data;
// The demo's own pattern.
use(crossEntropy(f32x, [0, 1]).toFixed(4), l, perSample, grad);

// 'mean' and 'sum' are numbers; 'none' a tensor of the inputs' array type, in both forms.
const sum: number = mseLoss(a, b, { reduction: 'sum' });
const mean: number = crossEntropy(f64x, t, { reduction: 'mean', labelSmoothing: 0.1 });
const none64: Float64Array = crossEntropy(f64x, t, { reduction: 'none' }).data;
const gLoss: number = crossEntropyWithGrad(f32x, t).loss;
const gNone: Float32Array = crossEntropyWithGrad(f32x, t, { reduction: 'none', gradOutput: new Float32Array(2) }).loss.data;
const g64: Float64Array = mseLossWithGrad(new Float64Array(3), new Float64Array(3)).grads[1].data;
const nll: number = nllLoss(logSoftmax(f32x), [0, 2]);
const bce: number = binaryCrossEntropy(a, b);
const bceG: Float32Array = binaryCrossEntropyWithLogitsWithGrad(a, b, { posWeight: a }).grad.data;
const kl: number = klDiv(a, b, { reduction: 'batchmean' });
const klNone: Float32Array = klDivWithGrad(a, b, { reduction: 'none' }).loss.data;
const mm: number = multiMarginLoss(f32x, [0, 1], { p: 2 });
const tri: number = tripletMarginLoss(f32x, f32x, f32x, { swap: true });
const ctc: number = ctcLoss(f32x, [1], [2], [1]);
const gauss: number = gaussianNllLoss(a, b, 1);
const mr: Float32Array = marginRankingLossWithGrad(a, b, new Int8Array([1, -1, 1])).grads[2].data;
use(sum, mean, none64, gLoss, gNone, g64, nll, bce, bceG, kl, klNone, mm, tri, ctc, gauss, mr);

// The box losses and sigmoidFocalLoss default to 'none' (torchvision).
const boxes = { data: new Float32Array(8), shape: [2, 4] };
const boxNone: Float32Array = generalizedBoxIouLoss(boxes, boxes).data;
const boxMean: number = generalizedBoxIouLoss(boxes, boxes, { reduction: 'mean' });
const boxGrad: Float32Array = generalizedBoxIouLossWithGrad(boxes, boxes).loss.data;
const alpha: number = alphaIouLoss(boxes, boxes, { reduction: 'sum', form: 'ciou' });
const focalNone: Float32Array = sigmoidFocalLoss(a, b).data;
const focalSum: number = sigmoidFocalLossWithGrad(a, b, { reduction: 'sum' }).loss;
use(boxNone, boxMean, boxGrad, alpha, focalNone, focalSum);

// Wise-IoU: v3 returns the running mean with the loss.
const v3 = wiseIouLoss(boxes, boxes, { version: 'v3', iouMean: 1, momentum: 0.01, reduction: 'mean' });
const v3Loss: number = v3.loss;
const v3Mean: number = v3.iouMean;
const v1: Float32Array = wiseIouLoss(boxes, boxes).data;
const v3g: number = wiseIouLossWithGrad(boxes, boxes, { version: 'v3', iouMean: 1, momentum: 0.01 }).iouMean;
use(v3Loss, v3Mean, v1, v3g);

// Functions without a reduction return tensors of the input's array type.
const sm: Float64Array = softmax(f64x, { dim: 1 }).data;
const smG: Float32Array = softmaxWithGrad(a).grad.data;
const sg: Float32Array = sigmoid(a).data;
const cs: Float32Array = cosineSimilarity(f32x, f32x, { dim: 1 }).data;
const csG: Float64Array = cosineSimilarityWithGrad(f64x, f64x).grads[1].data;
const pd: Float32Array = pairwiseDistance(a, b).data;
use(sm, smG, sg, cs, csG, pd);

// Options typed as the wide interface fall back to number | Tensor.
const wide: RegressionOptions = { reduction: 'sum' };
const w: number | Tensor<Float32Array> = mseLoss(a, b, wide);
const r: Reduction = Math.random() < 0.5 ? 'none' : 'mean';
const w2: number | Tensor = crossEntropy(f32x, t, { reduction: r });
const w3: WithGrad<number | Tensor<Float32Array>, Float32Array> = mseLossWithGrad(a, b, wide);
use(w, w2, w3);

// A FloatArray of unknown dtype gives FloatArray.
declare const unknownDtype: FloatArray;
const u: FloatArray = mseLoss(unknownDtype, unknownDtype, { reduction: 'none' }).data;
// WasmTensor: a float input like any other.
async function resident(): Promise<void> {
  const where: Backend = await init();
  const x = allocTensor('float32', [3]);
  const inPlace: number = mseLoss(x, a);
  // allocTensor's dtype gives the view's array type
  const view: Float32Array = x.data;
  const wide: Float64Array = allocTensor('float64', [3]).data;
  // @ts-expect-error a float64 tensor's data is not a Float32Array
  const wrong: Float32Array = allocTensor('float64', [3]).data;
  if (x instanceof WasmTensor) x.free();
  use(where, inPlace, view, wide, wrong);
}
use(u, resident);

// Plain number arrays (nested for more dims) take the typed arguments' dtype. With none typed the
// call computes in float32, which the types leave as Float32Array | Float64Array.
const plainLoss: number = mseLoss([[1, 2], [3, 4]], [[0, 0], [0, 0]]);
const plainNone: Float32Array | Float64Array = crossEntropy([[2, 0.5, -1]], [0], { reduction: 'none' }).data;
const plainF64: Float64Array = mseLossWithGrad([0.5, 1], new Float64Array([0, 0])).grad.data;
use(plainLoss, plainNone, plainF64);

// The helper types.
const la: Loss<'none', Float32Array> = { data: new Float32Array(1), shape: [1] };
const lb: Loss<'sum'> = 1;
const ra: ResultArray<Float64Array> = new Float64Array(1);
use(la, lb, ra);

// ---- What must not compile ----
// @ts-expect-error 'none' is a tensor, not a number
const e1: number = mseLoss(a, b, { reduction: 'none' });
// @ts-expect-error the default 'mean' is a number: no .data
crossEntropy(f32x, t).data;
// @ts-expect-error the box losses default to 'none': a tensor, not a number
const e2: number = generalizedBoxIouLoss(boxes, boxes);
// @ts-expect-error sigmoidFocalLoss defaults to 'none'
sigmoidFocalLoss(a, b).toFixed(2);
// @ts-expect-error WithGrad's loss narrows the same way
const e3: number = crossEntropyWithGrad(f32x, t, { reduction: 'none' }).loss;
// @ts-expect-error a Float32Array call's gradient is not a Float64Array
const e4: Float64Array = crossEntropyWithGrad(f32x, t).grad.data;
// @ts-expect-error a Float64Array call's result is not a Float32Array
const e5: Float32Array = softmax(f64x).data;
// @ts-expect-error the wide options type is number | Tensor, not number
const e6: number = mseLoss(a, b, wide);
// @ts-expect-error mixed dtypes throw at run time, and do not compile
mseLoss(a, new Float64Array(3));
// @ts-expect-error an unknown option (PyTorch's name) is caught
crossEntropy(f32x, t, { ignore_index: 0 });
// @ts-expect-error an unknown reduction
mseLoss(a, b, { reduction: 'batchmean' });
// @ts-expect-error klDiv's 'batchmean' is a number
klDiv(a, b, { reduction: 'batchmean' }).data;
// @ts-expect-error v1's result has no iouMean
wiseIouLoss(boxes, boxes).iouMean;
// @ts-expect-error plain arrays beside a Float64Array compute in float64, not float32
const e7: Float32Array = mseLoss([1], new Float64Array(1), { reduction: 'none' }).data;
use(e1, e2, e3, e4, e5, e6, e7);

// The Dice family (MONAI): 'mean' by default; class indices beside a float input; a float64 input keeps float64.
import { diceLoss, generalizedDiceLossWithGrad, tverskyLoss } from 'simdloss';
const seg = { data: new Float32Array(12), shape: [2, 2, 3] };
const segLabels = { data: new Int32Array(6), shape: [2, 1, 3] };
const dice: number = diceLoss(seg, segLabels, { softmax: true, toOnehotY: true });
const seg64 = { data: new Float64Array(12), shape: [2, 2, 3] };
const gdl: Float64Array = generalizedDiceLossWithGrad(seg64, seg64, { reduction: 'none' }).loss.data;
const tv: Float32Array = tverskyLoss(seg, seg, { alpha: 0.3, beta: 0.7, reduction: 'none' }).data;
use(dice, gdl, tv);
// @ts-expect-error wType is generalizedDiceLoss's option, not diceLoss's
diceLoss(seg, seg, { wType: 'square' });
