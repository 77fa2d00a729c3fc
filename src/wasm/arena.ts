// The kernel module's linear memory, laid out as
//
//   [ module data | resident blocks (live across calls) | scratch (one call, then reset) ]
//   0             HEAP_BASE                              residentTop                  ≤ limit
//
// Each call resets the scratch, allocates what it needs, copies in, runs kernels and copies out.
// The whole memory stays under `limit` (setMemoryLimit): callers ask `available()` and process
// large inputs in chunks. Growing memory detaches earlier views, so views are made after all of
// a call's allocations (view()), and resident tensors re-create theirs on access.
import type { Dtype, FloatArray, StorageDtype } from '../dtypes';
import { HEAP_BASE } from './modules/layout';
import { memoryGrew, setWasmMemoryInfo, wasmBuffer, wasmView } from './views';

const ALIGN = 16;
const PAGE = 65536;

/** The default cap on wasm memory: 64 MiB. */
export const DEFAULT_MEMORY_LIMIT = 64 * 1024 * 1024;

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export class Arena {
  /**
   * Test switch (not public API): every allocation detaches the memory's buffer as growth does
   * (memory.grow(0) detaches it too), so that a view kept across an allocation fails every time.
   */
  static forceGrowth = false;
  private readonly base: number;
  private residentTop: number;
  private top: number;
  private limit = DEFAULT_MEMORY_LIMIT;
  /** Live resident blocks: pointer → bytes. */
  private readonly used = new Map<number, number>();
  /** Freed resident blocks below residentTop, in address order, never adjacent (merged). */
  private readonly free: Array<{ ptr: number; bytes: number }> = [];
  /** The memory's buffers before it last grew: views of them are detached (src/wasm/views.ts). */
  private readonly retired = new WeakSet<ArrayBufferLike>();
  /** The memory's size in bytes after the last growth. */
  private capacity: number;
  /** The function the current call serves, for error messages. */
  fn = 'simdloss';

  /** `memory`: the one memory every family's module imports (instance.ts). */
  constructor(public memory: WebAssembly.Memory) {
    this.base = alignUp(HEAP_BASE);
    this.residentTop = this.base;
    this.top = this.base;
    this.capacity = memory.buffer.byteLength;
    this.describe();
  }

  /**
   * Moves to `memory`, which holds the old one's bytes (instance.ts makeMemoryShared: threads);
   * the old memory's buffer is retired, as after growth.
   */
  setMemory(memory: WebAssembly.Memory, old: ArrayBufferLike | null): void {
    if (old) this.retired.add(old);
    this.memory = memory;
    this.capacity = memory.buffer.byteLength;
    this.describe();
  }

  private describe(): void {
    const memory = this.memory;
    setWasmMemoryInfo({
      memory,
      retired: (buffer) => this.retired.has(buffer),
      holds: (ptr, bytes) => {
        for (const [p, size] of this.used) if (ptr >= p && ptr + bytes <= p + size) return true;
        return false;
      },
    });
  }

  /** Frees the scratch (everything allocated since the last reset) for a call of `fn`. */
  reset(fn: string): void {
    this.fn = fn;
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
    // the size as of the last growth (only this arena grows the memory): reading memory.buffer is
    // a call into the engine, which a lean call (src/lean.ts) would pay on every allocation
    if (end <= this.capacity && !Arena.forceGrowth) return;
    const buffer = this.memory.buffer;
    const have = buffer.byteLength;
    this.retired.add(buffer);
    this.memory.grow(end > have ? Math.ceil((end - have) / PAGE) : 0);
    memoryGrew();
    this.capacity = this.memory.buffer.byteLength;
  }

  /** `bytes` bytes of scratch, 16-aligned. Throws past the limit: callers chunk before that. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = ptr + alignUp(bytes);
    // Sizes are float64 here; anything that reaches the kernels fits in 32 bits because limit ≤ 4 GiB.
    if (!(end <= this.limit)) {
      throw new RangeError(`${this.fn}: the call needs ${end - this.residentTop} bytes of wasm scratch memory but the limit leaves ${this.limit - this.residentTop}; raise it with setMemoryLimit()`);
    }
    this.ensure(end);
    this.top = end;
    return ptr;
  }

  /**
   * A resident block (lives until freeResident): first fit among freed blocks (split when larger),
   * else at the top. One vector of padding follows it: kernels may read a vector past the end of
   * their input. Freed neighbours are merged, and a free block at the top returns to the scratch,
   * so freeing in any order never strands memory.
   */
  allocResident(bytes: number, fn = 'allocTensor'): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`${fn}: a tensor of ${bytes} bytes cannot be allocated`);
    const size = alignUp(bytes) + ALIGN;
    for (let i = 0; i < this.free.length; i++) {
      const f = this.free[i];
      if (f.bytes < size) continue;
      if (f.bytes === size) this.free.splice(i, 1);
      else this.free[i] = { ptr: f.ptr + size, bytes: f.bytes - size };
      this.used.set(f.ptr, size);
      return f.ptr;
    }
    const ptr = this.residentTop;
    if (ptr + size + 1024 * 1024 > this.limit) {
      throw new RangeError(`${fn}: ${size} bytes of resident tensors do not fit under the memory limit of ${this.limit} bytes (${ptr - this.base - this.freeBytes()} in use, 1 MiB kept for scratch); free tensors or raise the limit with setMemoryLimit()`);
    }
    this.ensure(ptr + size);
    this.used.set(ptr, size);
    this.residentTop = ptr + size;
    this.top = Math.max(this.top, this.residentTop);
    return ptr;
  }

  freeResident(ptr: number): void {
    const bytes = this.used.get(ptr);
    if (bytes === undefined) return;
    this.used.delete(ptr);
    // Insert in address order, merging with the free neighbours on either side.
    let i = 0;
    while (i < this.free.length && this.free[i].ptr < ptr) i++;
    let block = { ptr, bytes };
    const before = this.free[i - 1];
    if (before && before.ptr + before.bytes === ptr) {
      block = { ptr: before.ptr, bytes: before.bytes + bytes };
      this.free.splice(--i, 1);
    }
    const after = this.free[i];
    if (after && block.ptr + block.bytes === after.ptr) {
      block = { ptr: block.ptr, bytes: block.bytes + after.bytes };
      this.free.splice(i, 1);
    }
    if (block.ptr + block.bytes === this.residentTop) this.residentTop = block.ptr; // back to the scratch
    else this.free.splice(i, 0, block);
  }

  private freeBytes(): number {
    return this.free.reduce((s, f) => s + f.bytes, 0);
  }

  /** A fresh view of n floats at ptr (make views only after the call's allocations). */
  view(dtype: StorageDtype, ptr: number, n: number): FloatArray {
    return wasmView(dtype, ptr, n) as FloatArray;
  }

  /** Allocates n floats of dtype. */
  floats(dtype: Dtype, n: number): number {
    return this.alloc(n * (dtype === 'float32' ? 4 : 8));
  }







  /** A copy (outside wasm memory) of n floats at ptr. */
  copyOut(dtype: Dtype, ptr: number, n: number): Float32Array | Float64Array {
    return (this.view(dtype, ptr, n) as Float32Array | Float64Array).slice();
  }
}
