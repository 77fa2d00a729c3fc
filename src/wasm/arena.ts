// A bump allocator over the kernel module's linear memory. Each call resets it, allocates what it
// needs, copies in, runs kernels and copies out; nothing stays allocated between calls.
// Growing memory detaches earlier views, so views are made after all allocations (see view()).
import type { Dtype, FloatArray } from '../types';
import type { Kernels } from './instance';

const ALIGN = 16;
const PAGE = 65536;

export class Arena {
  private readonly base: number;
  private top: number;

  constructor(private readonly k: Kernels) {
    this.base = (k.heap_base() + ALIGN - 1) & -ALIGN;
    this.top = this.base;
  }

  /** Frees everything allocated since construction. */
  reset(): void {
    this.top = this.base;
  }

  /** `bytes` bytes, 16-aligned, growing memory as needed. Returns a byte pointer. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = ptr + Math.ceil(bytes / ALIGN) * ALIGN;
    const have = this.k.memory.buffer.byteLength;
    if (end > have) this.k.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return ptr;
  }

  /** A fresh view of n floats at ptr (make views only after the call's allocations). */
  view(dtype: Dtype, ptr: number, n: number): FloatArray {
    return dtype === 'float32' ? new Float32Array(this.k.memory.buffer, ptr, n) : new Float64Array(this.k.memory.buffer, ptr, n);
  }

  /** Allocates n floats of dtype. */
  floats(dtype: Dtype, n: number): number {
    return this.alloc(n * (dtype === 'float32' ? 4 : 8));
  }

  /** Allocates and fills a copy of `src` (any byteOffset, SharedArrayBuffer or not). */
  copyIn(dtype: Dtype, src: ArrayLike<number>): number {
    const ptr = this.floats(dtype, src.length);
    this.view(dtype, ptr, src.length).set(src);
    return ptr;
  }

  /** Allocates and fills an Int32Array copy. */
  copyInInt32(src: Int32Array): number {
    const ptr = this.alloc(src.length * 4);
    new Int32Array(this.k.memory.buffer, ptr, src.length).set(src);
    return ptr;
  }

  /** A copy (outside wasm memory) of n floats at ptr. */
  copyOut(dtype: Dtype, ptr: number, n: number): FloatArray {
    return this.view(dtype, ptr, n).slice();
  }
}
