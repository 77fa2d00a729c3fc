// Tensors that live in the kernel module's memory, for training loops that reuse buffers:
// every loss reads them in place (no copy in). See README "Data in wasm memory".
import type { Dtype, FloatArray, Tensor } from '../types';
import type { Arena } from './arena';

/**
 * A { data, shape } tensor whose data lives in wasm memory. `data` is a view made afresh
 * whenever wasm memory has grown since the last access (growth detaches older views: read
 * `.data` again after any simdloss call instead of keeping the array), and throws after free().
 */
export class WasmTensor<D extends FloatArray = FloatArray> implements Tensor<D> {
  /** 'float32' or 'float64': the dtype of `data`. */
  readonly dtype: Dtype;
  /** The number of elements (the product of `shape`). */
  readonly size: number;
  /** Byte offset in wasm memory (for the kernels). */
  readonly ptr: number;
  private cached: D | null = null;
  private freed = false;
  private _shape: number[];

  /** @internal Use allocTensor(). */
  constructor(private readonly arena: Arena, dtype: Dtype, shape: readonly number[]) {
    this.dtype = dtype;
    this._shape = shape.slice();
    this.size = shape.reduce((a, b) => a * b, 1);
    this.ptr = arena.allocResident(this.size * (dtype === 'float32' ? 4 : 8));
  }

  /** The tensor's shape (see reshape()). */
  get shape(): readonly number[] {
    return this._shape;
  }

  /** The elements: a view of wasm memory, made afresh when memory has grown since the last access. */
  get data(): D {
    if (this.freed) throw new Error('WasmTensor: this tensor was freed; allocate a new one with allocTensor()');
    const buffer = this.arena.memory.buffer;
    if (!this.cached || this.cached.buffer !== buffer) this.cached = this.arena.view(this.dtype, this.ptr, this.size) as D;
    return this.cached;
  }

  /** The same memory seen with another shape of the same size. */
  reshape(shape: readonly number[]): this {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== this.size) throw new RangeError(`WasmTensor.reshape: shape [${shape.join(', ')}] holds ${size} elements, this tensor ${this.size}`);
    this._shape = shape.slice();
    return this;
  }

  /** Returns the memory for reuse; the tensor must not be used afterwards. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.cached = null;
    this.arena.freeResident(this.ptr);
  }
}
