// The CommonJS side: under node16 resolution this resolves the "require" condition (dist/index.d.cts).
import { crossEntropyWithGrad, mseLoss } from 'simdloss';

const l: number = mseLoss(new Float32Array([1, 2]), new Float32Array([1, 3]));
const g: Float64Array = crossEntropyWithGrad({ data: new Float64Array(6), shape: [2, 3] }, [0, 2]).grad.data;
// @ts-expect-error 'none' is a tensor
const e: number = mseLoss(new Float32Array(2), new Float32Array(2), { reduction: 'none' });
export { l, g, e };
