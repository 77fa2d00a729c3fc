// The element types and the tensor record: the leaves every layer names (src/types.ts re-exports
// them with the public API). Nothing here imports anything of the library.

/**
 * The float arrays simdloss takes. All float arguments of one call share one dtype: a
 * Float32Array call computes in float32, a Float64Array call in float64, and a Float16Array call
 * (where the runtime has Float16Array) in float32, its results rounded to float16 once.
 * @group Types
 */
export type FloatArray = Float32Array | Float64Array | Float16ArrayLike;

/**
 * A `Float16Array`, described by its shape: a TypeScript lib without Float16Array (TS before 5.7,
 * or `lib` older than esnext) still compiles, and where the lib has it a `Float16Array` is one of
 * these. Its `[Symbol.toStringTag]` tells it apart from a Float32Array and a Float64Array, so
 * results keep the argument's type.
 * @group Types
 */
export interface Float16ArrayLike {
  /** `'Float16Array'`: what tells it from the other float arrays. */
  readonly [Symbol.toStringTag]: 'Float16Array';
  /** Element i, as a number. */
  [index: number]: number;
  /** The number of elements. */
  readonly length: number;
  /** 2. */
  readonly BYTES_PER_ELEMENT: number;
  /** The memory it views. */
  readonly buffer: ArrayBufferLike;
  /** Where in `buffer` it starts, in bytes. */
  readonly byteOffset: number;
  /** Its size in bytes. */
  readonly byteLength: number;
  /** Copies `array` in from `offset`, each value rounded to float16. */
  set(array: ArrayLike<number>, offset?: number): void;
  /** A view of elements [begin, end). */
  subarray(begin?: number, end?: number): Float16ArrayLike;
  /** A copy of elements [start, end). */
  slice(start?: number, end?: number): Float16ArrayLike;
  /** Sets elements [start, end) to `value`. */
  fill(value: number, start?: number, end?: number): this;
  /** Whether `predicate` holds for every element. */
  every(predicate: (value: number, index: number) => unknown): boolean;
  /** A new Float16Array of `f` of each element. */
  map(f: (value: number, index: number) => number): Float16ArrayLike;
  /** The elements in order. */
  [Symbol.iterator](): IterableIterator<number>;
}

/**
 * A row-major, contiguous tensor: `data.length` equals the product of `shape` (1 for `[]`).
 * @typeParam D - The array type of `data`.
 * @group Types
 */
export interface Tensor<D = FloatArray> {
  /** The elements, row-major (the last dimension varies fastest). */
  data: D;
  /** The size of each dimension; `[]` is a scalar (0-d) tensor of one element. */
  shape: readonly number[];
}

/**
 * The dtypes calls compute in: float32 (`Float32Array`, and `Float16Array` data widened) and
 * float64 (`Float64Array`).
 * @group Types
 */
export type Dtype = 'float32' | 'float64';

/**
 * The dtypes of arrays and {@link WasmTensor}s: a {@link Dtype}, or 'float16' (`Float16Array`,
 * where the runtime has it), which calls compute in float32.
 * @group Types
 */
export type StorageDtype = Dtype | 'float16';
