// The kernel module's linear memory, laid out as
//
//   [ module data | resident blocks (live across calls) | scratch (one call, then reset) ]
//   0             heap_base                              residentTop                  ≤ limit
//
// Each call resets the scratch, allocates what it needs, copies in, runs kernels and copies out.
// The whole memory stays under `limit` (setMemoryLimit): callers ask `available()` and process
// large inputs in chunks. Growing memory detaches earlier views, so views are made after all of
// a call's allocations (view()), and resident tensors re-create theirs on access.
import type { Dtype, FloatArray } from '../types';
import type { Kernels } from './instance';

const ALIGN = 16;
const PAGE = 65536;

/** The default cap on wasm memory: 64 MiB. */
export const DEFAULT_MEMORY_LIMIT = 64 * 1024 * 1024;

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export class Arena {
  private readonly base: number;
  private residentTop: number;
  private top: number;
  private limit = DEFAULT_MEMORY_LIMIT;
  /** Resident blocks by pointer: size in bytes, and whether freed (reusable). */
  private readonly blocks = new Map<number, { bytes: number; free: boolean }>();

  constructor(private readonly k: Kernels) {
    this.base = alignUp(k.heap_base());
    this.residentTop = this.base;
    this.top = this.base;
  }

  get memory(): WebAssembly.Memory {
    return this.k.memory;
  }

  /** Frees the scratch (everything allocated since the last reset). */
  reset(): void {
    this.top = this.residentTop;
  }

  /** The scratch position, to rewind() to after a chunk. */
  mark(): number {
    return this.top;
  }

  rewind(mark: number): void {
    this.top = mark;
  }

  /** Bytes of scratch that can still be allocated in this call. */
  available(): number {
    return this.limit - this.top;
  }

  getLimit(): number {
    return this.limit;
  }

  setLimit(bytes: number): void {
    const floor = this.residentTop + 1024 * 1024;
    if (!Number.isInteger(bytes) || bytes < floor || bytes > 4 * 1024 ** 3) {
      throw new RangeError(`setMemoryLimit: the limit must be an integer number of bytes in [${floor}, 4 GiB] (resident tensors plus 1 MiB of scratch); got ${bytes}`);
    }
    this.limit = bytes;
  }

  /** Grows memory so that [0, end) exists. */
  private ensure(end: number): void {
    const have = this.k.memory.buffer.byteLength;
    if (end > have) this.k.memory.grow(Math.ceil((end - have) / PAGE));
  }

  /** `bytes` bytes of scratch, 16-aligned. Throws past the limit: callers chunk before that. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = ptr + alignUp(bytes);
    if (end > this.limit) {
      throw new RangeError(`simdloss: a call needs ${end - this.residentTop} bytes of wasm scratch memory but the limit leaves ${this.limit - this.residentTop}; raise it with setMemoryLimit()`);
    }
    this.ensure(end);
    this.top = end;
    return ptr;
  }

  /**
   * A resident block (lives until freeResident); first fit among freed blocks, else at the top.
   * One vector of padding follows it: kernels may read a vector past the end of their input.
   */
  allocResident(bytes: number): number {
    const size = alignUp(bytes) + ALIGN;
    for (const [ptr, b] of this.blocks) {
      if (b.free && b.bytes >= size) {
        b.free = false;
        return ptr;
      }
    }
    const ptr = this.residentTop;
    if (ptr + size + 1024 * 1024 > this.limit) {
      throw new RangeError(`simdloss: ${size} bytes of resident tensors do not fit under the memory limit of ${this.limit} bytes (${ptr - this.base} in use, 1 MiB kept for scratch); raise it with setMemoryLimit()`);
    }
    this.ensure(ptr + size);
    this.blocks.set(ptr, { bytes: size, free: false });
    this.residentTop = ptr + size;
    this.top = Math.max(this.top, this.residentTop);
    return ptr;
  }

  freeResident(ptr: number): void {
    const b = this.blocks.get(ptr);
    if (!b || b.free) return;
    b.free = true;
    // Give trailing free blocks back to the scratch.
    for (;;) {
      let last = -1;
      for (const p of this.blocks.keys()) last = Math.max(last, p);
      const lb = this.blocks.get(last);
      if (!lb || !lb.free) break;
      this.blocks.delete(last);
      this.residentTop = last;
    }
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

  /** The argument's data in wasm memory: in place for a resident tensor, else a copy. */
  input(t: { data: ArrayLike<number>; dtype: Dtype; resident?: { ptr: number } }): number {
    return t.resident ? t.resident.ptr : this.copyIn(t.dtype, t.data);
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
