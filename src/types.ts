import type { Dtype, FloatArray, Float16ArrayLike, StorageDtype, Tensor } from './dtypes';
import type { WasmTensor } from './wasm/resident';

export type { Dtype, FloatArray, Float16ArrayLike, StorageDtype, Tensor } from './dtypes';

/**
 * A float argument: a typed array (a 1-D tensor), a `{ data, shape }` tensor (a
 * {@link WasmTensor} included), or plain numbers ({@link NestedNumbers}, or a tensor of a
 * `number[]`), which take the dtype of the call's typed float arguments (float32 when none is).
 * @typeParam D - Its array type. The results of a call have the matching {@link ResultArray}.
 * @group Types
 */
export type FloatInput<D extends FloatArray = FloatArray> = D | Tensor<D> | NestedNumbers | Tensor<readonly number[]>;

/**
 * Plain numbers: a `number[]` (1-D) or nested arrays, one level per dim (rows may be typed
 * arrays). The shape is inferred; a ragged array is a RangeError. A call whose float arguments are
 * all plain computes in float32; its result type is then `Float32Array | Float64Array`.
 * @group Types
 */
export type NestedNumbers = readonly number[] | ReadonlyArray<NestedNumbers | FloatArray>;

/**
 * The array type of a call's results when its float arguments hold `D`: `Float32Array` for
 * float32, `Float64Array` for float64, `D` itself for a Float16Array (PyTorch returns float16 for
 * float16 inputs), and any of them when `D` may be several.
 * @typeParam D - The array type of the call's float arguments.
 * @group Types
 */
export type ResultArray<D extends FloatArray> = D extends Float32Array ? Float32Array : D extends Float64Array ? Float64Array : D extends Float16ArrayLike ? D : FloatArray;

/**
 * What a loss returns for `reduction` `R`: a tensor of the inputs' dtype for `'none'`, a number
 * for the reductions (`'mean'`, `'sum'`, `'batchmean'`). When `R` is a union (`options` typed as
 * the options interface itself), the union of both: `number | Tensor`.
 * @typeParam R - The reduction the call passes (or the function's default).
 * @typeParam D - The array type of the call's float arguments.
 * @group Types
 */
export type Loss<R, D extends FloatArray = FloatArray> = R extends 'none' ? Tensor<ResultArray<D>> : number;

/**
 * Integer arrays accepted for class indices.
 * @group Types
 */
export type IntegerArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | readonly number[];

/**
 * Class indices as nested arrays: `number[]` rows, one level per dim, or integer typed-array rows.
 * @group Types
 */
export type NestedIndices = readonly number[] | ReadonlyArray<NestedIndices | IntegerArray>;

/**
 * Class-index targets: an integer array (1-D), nested arrays ({@link NestedIndices}), or a `{ data, shape }` tensor of an integer array.
 * @group Types
 */
export type IndexInput = IntegerArray | Tensor<IntegerArray> | NestedIndices;

/**
 * How a loss reduces its per-element values: `'mean'` and `'sum'` give a number, `'none'` a
 * tensor of PyTorch's output shape. Each function has PyTorch's default (`'mean'` for the
 * `torch.nn` losses, `'none'` for torchvision's).
 * @group Types
 */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * What a `…WithGrad` function returns.
 * @typeParam L - The type of `loss`: what the plain function returns.
 * @typeParam D - The array type of the gradients: the call's dtype.
 * @group Types
 */
export interface WithGrad<L = number | Tensor, D = FloatArray> {
  /** The value the plain function returns. */
  loss: L;
  /** Gradient with respect to the first float argument (its shape and dtype). */
  grad: Tensor<D>;
  /** One gradient per float argument PyTorch differentiates, in argument order. */
  grads: Tensor<D>[];
}

/**
 * Options every `…WithGrad` function takes.
 * @group Types
 */
export interface GradOptions {
  /**
   * Upstream gradient. A tensor of the result's shape when the result is a tensor (default: ones),
   * a number when it is a scalar (default: 1).
   */
  gradOutput?: FloatInput | number;
  /**
   * Where to write the gradients instead of new arrays: a Float32Array/Float64Array/Float16Array or WasmTensor
   * of the call's dtype and the gradient's size for the first gradient, or a list with one entry
   * (or null) per gradient. The returned `grads[i].data` is that array (a WasmTensor's `.data`).
   */
  gradInto?: GradTarget | ReadonlyArray<GradTarget | null | undefined>;
}

/**
 * A gradient target for {@link GradOptions.gradInto}: a typed array, or a {@link WasmTensor}.
 * @group Types
 */
export type GradTarget = FloatArray | WasmTensor;

/**
 * Where calls run: the WebAssembly SIMD kernels, or the float64 TypeScript reference.
 * @group Types
 */
export type Backend = 'wasm-simd' | 'js';

