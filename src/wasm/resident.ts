// Tensors that live in the kernel module's memory, for training loops that reuse buffers:
// every loss reads them in place (no copy in). See README "Data in wasm memory".
import type { FloatArray, StorageDtype, Tensor } from '../dtypes';
import type { Arena } from './arena';
import { wasmBuffer } from './views';

/**
 * A checked shape: a real array of non-negative integers, copied and frozen, so nothing the
 * caller does later (or a getter that changes its answer) can make it disagree with the memory.
 * @group Setup and memory
 */
export function checkedShape(fn: string, name: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${fn}: ${name} must be an array of non-negative integers; got ${typeof shape}`);
  const copy = Array.from(shape as unknown[]);
  copy.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`${fn}: ${name} must be an array of non-negative integers; ${name}[${i}] is ${typeof d === 'string' ? JSON.stringify(d) : String(d)}`);
    }
  });
  return Object.freeze(copy as number[]);
}

/**
 * A { data, shape } tensor whose data lives in wasm memory. `data` is a view made afresh
 * whenever wasm memory has grown since the last access (growth detaches older views: read
 * `.data` again after any simdloss call instead of keeping the array), and throws after free().
 * @group Setup and memory
 */
export class WasmTensor<D extends FloatArray = FloatArray> implements Tensor<D> {
  /** 'float32', 'float64' or 'float16': the dtype of `data` (a float16 tensor computes in float32). */
  readonly dtype: StorageDtype;
  /** The number of elements (the product of `shape`). */
  readonly size: number;
  /** Byte offset in wasm memory (for the kernels). */
  readonly ptr: number;
  private cached: D | null = null;
  private _freed = false;
  private _shape: readonly number[];

  /** @internal Use allocTensor(). */
  constructor(private readonly arena: Arena, dtype: StorageDtype, shape: readonly number[]) {
    this.dtype = dtype;
    this._shape = checkedShape('allocTensor', 'shape', shape);
    this.size = this._shape.reduce((a, b) => a * b, 1);
    const bytes = this.size * (dtype === 'float32' ? 4 : dtype === 'float64' ? 8 : 2);
    if (!Number.isSafeInteger(bytes) || bytes > 2 ** 32) {
      throw new RangeError(`allocTensor: shape [${this._shape.join(', ')}] holds ${this.size} elements (${bytes} bytes), more than wasm memory can hold (4 GiB)`);
    }
    this.ptr = arena.allocResident(bytes);
  }

  /** The tensor's shape, frozen (use reshape() to change it). */
  get shape(): readonly number[] {
    return this._shape;
  }

  /** True once free() was called. */
  get freed(): boolean {
    return this._freed;
  }

  /** The elements: a view of wasm memory, made afresh when memory has grown since the last access. */
  get data(): D {
    if (this._freed) throw new TypeError('WasmTensor.data: this tensor was freed; allocate a new one with allocTensor()');
    const buffer = wasmBuffer();
    if (!this.cached || this.cached.buffer !== buffer) this.cached = this.arena.view(this.dtype, this.ptr, this.size) as D;
    return this.cached;
  }

  /** The same memory seen with another shape of the same size. */
  reshape(shape: readonly number[]): this {
    if (this._freed) throw new TypeError('WasmTensor.reshape: this tensor was freed; allocate a new one with allocTensor()');
    const checked = checkedShape('WasmTensor.reshape', 'shape', shape);
    const size = checked.reduce((a, b) => a * b, 1);
    if (size !== this.size) throw new RangeError(`WasmTensor.reshape: shape [${checked.join(', ')}] holds ${size} elements, this tensor ${this.size}`);
    this._shape = checked;
    return this;
  }

  /** Returns the memory for reuse; the tensor must not be used afterwards. */
  free(): void {
    if (this._freed) return;
    this._freed = true;
    this.cached = null;
    this.arena.freeResident(this.ptr);
  }
}
