// A consumer whose TypeScript lib has Float16Array (TS 5.7+, lib esnext): test/types.test.ts
// compiles it with tsconfig.f16.json. A real Float16Array is accepted wherever a Float32Array is,
// and the results are Float16Array (ResultArray keeps the argument's type).
import { allocTensor, crossEntropy, crossEntropyWithGrad, mseLoss, mseLossWithGrad, softmax, type Float16ArrayLike } from 'simdloss';

function use(...values: unknown[]): void {
  void values;
}

const logits = new Float16Array(6);
const t = new Int32Array([0, 1]);
const loss: number = crossEntropy({ data: logits, shape: [2, 3] }, t);
const grad: Float16Array = crossEntropyWithGrad({ data: logits, shape: [2, 3] }, t, { gradInto: new Float16Array(6) }).grad.data;
const none: Float16Array = mseLoss(logits, logits, { reduction: 'none', out: new Float16Array(6) }).data;
const grads: Float16Array[] = mseLossWithGrad(logits, [1, 2, 3, 4, 5, 6]).grads.map((g) => g.data);
const probs: Float16Array = softmax({ data: logits, shape: [2, 3] }).data;
// a Float16Array is a Float16ArrayLike, and allocTensor('float16')'s data is one
const like: Float16ArrayLike = logits;
const resident: Float16ArrayLike = allocTensor('float16', [6]).data;
use(loss, grad, none, grads, probs, like, resident);

// @ts-expect-error a Float16Array call's result is not a Float32Array
const e1: Float32Array = softmax({ data: logits, shape: [2, 3] }).data;
// @ts-expect-error float16 logits with a float32 target throw at run time, and do not compile
mseLoss(logits, new Float32Array(6));
use(e1);
