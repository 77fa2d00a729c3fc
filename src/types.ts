/** The float arrays simdloss computes in. All float arguments of one call share one dtype. */
export type FloatArray = Float32Array | Float64Array;

/** A row-major, contiguous tensor: `data.length` equals the product of `shape` (1 for `[]`). */
export interface Tensor<D = FloatArray> {
  data: D;
  shape: readonly number[];
}

/** A float argument: a typed array (a 1-D tensor) or a `{ data, shape }` tensor. */
export type FloatInput = FloatArray | Tensor<FloatArray> | NestedNumbers | Tensor<readonly number[]>;

/**
 * Plain numbers: `number[]` (1-D) or nested arrays (one level per dim; rows may be typed arrays),
 * shape inferred, ragged arrays refused. They take the dtype of the call's typed float arguments,
 * float32 when it has none.
 */
export type NestedNumbers = readonly number[] | ReadonlyArray<NestedNumbers | FloatArray>;

/** Integer arrays accepted for class indices. */
export type IntegerArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | readonly number[];

/** Class-index targets: an integer array (1-D) or a `{ data, shape }` tensor of one. */
export type IndexInput = IntegerArray | Tensor<IntegerArray> | NestedNumbers;

export type Reduction = 'mean' | 'sum' | 'none';

/** What a `…WithGrad` function returns. */
export interface WithGrad<L = number | Tensor> {
  /** The value the plain function returns. */
  loss: L;
  /** Gradient with respect to the first float argument (its shape and dtype). */
  grad: Tensor;
  /** One gradient per float argument PyTorch differentiates, in argument order. */
  grads: Tensor[];
}

/** Options every `…WithGrad` function takes. */
export interface GradOptions {
  /**
   * Upstream gradient. A tensor of the result's shape when the result is a tensor (default: ones),
   * a number when it is a scalar (default: 1).
   */
  gradOutput?: FloatInput | number;
  /**
   * Where to write the gradients instead of new arrays: a Float32Array/Float64Array or WasmTensor
   * of the call's dtype and the gradient's size for the first gradient, or a list with one entry
   * (or null) per gradient. The returned `grads[i].data` is that array (a WasmTensor's `.data`).
   */
  gradInto?: GradTarget | ReadonlyArray<GradTarget | null | undefined>;
}

/** A gradient target for options.gradInto. */
export type GradTarget = FloatArray | { readonly data: FloatArray; readonly dtype: Dtype; free(): void };

export type Backend = 'wasm-simd' | 'js';
export type Dtype = 'float32' | 'float64';
