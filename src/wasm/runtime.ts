// The runtime: the only code that turns a loss's operands into wasm pointers. A loss says "run this
// kernel over `items` rows (or elements), with these operands, each so many values per item"; the
// runtime plans blocks, stages the inputs block by block (or reads resident tensors in place), runs
// the kernel on each block while it is still in cache, and copies each block's outputs to their
// arrays (a new one, or the caller's gradInto target).
//
// Why blocks of about L2 size rather than one chunk as large as the memory cap allows: a call then
// reads the caller's memory once (the copy in), and the kernel reads the copy from L2, not DRAM
// (docs/memory.md). The same loop keeps every call under the cap (setMemoryLimit).
import { newFloat } from '../tensor';
import type { Dtype, FloatArray } from '../types';
import type { Arena } from './arena';
import { WasmTensor } from './resident';

/** Bytes of staged operands per block: a few operands of 16–64 KiB each stay in a 512 KiB–1 MiB L2. */
export const BLOCK_BYTES = 256 * 1024;

/** Any array the runtime copies from: floats of the call's dtype, or int32 class indices. */
type Source = ArrayLike<number> & { subarray(start: number, end: number): ArrayLike<number> };

/** An input read block by block: copied in, or read in place when it lives in wasm memory. */
export interface In {
  role: 'in';
  /** Values per item. */
  per: number;
  /** The values; a getter is re-read after the block's allocations (a resident view may have moved). */
  data: Source;
  int32?: boolean;
  /** Byte offset in wasm memory when the values live there (a resident tensor): no copy. */
  ptr?: number;
  /** Copies items [start, start + count) into dst, when they are not contiguous in `data` (a gather). */
  gather?: (dst: FloatArray, start: number, count: number) => void;
}

/** An output written block by block into `into` (a new array of items × per when absent). */
export interface Out {
  role: 'out';
  per: number;
  /** A WasmTensor of the kernel's dtype is written in place by the kernel (no staging, no copy). */
  into?: FloatArray | WasmTensor | null;
  /** Copies a block's values to their place in the result, when that is not contiguous (a scatter). */
  scatter?: (src: FloatArray, result: FloatArray, start: number, count: number) => void;
}

/** Whole arrays every block reads (weights), copied once; or bytes of scratch for the whole call. */
export interface Whole {
  role: 'whole';
  data?: Source | null;
  int32?: boolean;
  ptr?: number;
  bytes?: number;
}

/** Scratch for one block: `per` values per item and `extra` more (the kernel's own padding). */
export interface Scratch {
  role: 'scratch';
  per: number;
  extra?: number;
}

export type Operand = In | Out | Whole | Scratch | null;

export interface RunResult {
  /** The sum of what the kernel returned over the blocks. */
  total: number;
  /** One array per Out operand, in order. */
  outputs: FloatArray[];
}

/**
 * Runs `kernel(count, ptrs, start)` over `items` items in blocks. `ptrs[i]` is operand i's pointer
 * for the block (0 for a null operand). Each staged operand is padded by one vector: kernels may
 * read and write their last vector whole. `maxBlock` caps the items per block (e.g. 1 when a kernel
 * keeps state across items); `whole: true` runs all items as one block, or throws if they do not fit.
 */
export function run(
  arena: Arena, dtype: Dtype, items: number, operands: readonly Operand[],
  kernel: (count: number, ptrs: number[], start: number) => number,
  plan: { maxBlock?: number; whole?: boolean } = {},
): RunResult {
  const bytes = dtype === 'float32' ? 4 : 8;
  const size = (o: In | Out | Scratch) => ('int32' in o && o.int32 ? 4 : bytes);
  // `dtype` is the kernel's: a loss may run a float64 kernel on float32 data (docs/accuracy.md).
  // A resident tensor is read in place only when its elements are the kernel's; otherwise it is
  // staged like any array (the copy converts), and outputs convert when copied to the result.
  // Decided once per operand: read in place (a resident input or whole), written in place (a
  // WasmTensor output of the kernel's dtype), or staged.
  const inPlace = operands.map((o) => !!o && (o.role === 'in' || o.role === 'whole') && o.ptr !== undefined
    && (!o.data || (o.data as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT === (o.int32 ? 4 : bytes)));
  const direct = operands.map((o) => o?.role === 'out' && o.into instanceof WasmTensor && o.into.dtype === dtype && !o.scatter);
  // a WasmTensor result is re-read through its `data` (a view made after memory may have grown)
  const outputs = operands.filter((o): o is Out => o?.role === 'out').map((o) => (o.into instanceof WasmTensor ? null : o.into ?? newFloat(dtype, items * o.per)));
  const finish = (): FloatArray[] => operands.filter((o): o is Out => o?.role === 'out').map((o, k) => (o.into instanceof WasmTensor ? o.into.data : outputs[k]!));
  // Whole operands first: they stay for every block.
  const base = operands.map((o, i) => {
    if (!o || o.role !== 'whole') return 0;
    if (inPlace[i]) return o.ptr!;
    if (o.data) {
      const p = arena.alloc(o.data.length * (o.int32 ? 4 : bytes) + 16);
      return p;
    }
    return arena.alloc(o.bytes ?? 0);
  });
  operands.forEach((o, i) => {
    if (o?.role === 'whole' && o.data && !inPlace[i]) view(arena, o.int32 ? 'int32' : dtype, base[i], o.data.length).set(o.data);
  });
  if (items === 0) return { total: kernel(0, base, 0), outputs: finish() };

  const staged = operands.filter((o, i): o is In | Out | Scratch => !!o && o.role !== 'whole' && !inPlace[i] && !direct[i]);
  const perItem = staged.reduce((s, o) => s + o.per * size(o), 0);
  const slack = staged.reduce((s, o) => s + 16 + (o.role === 'scratch' ? (o.extra ?? 0) * bytes : 0), 16);
  const fit = Math.floor((arena.available() - slack) / Math.max(perItem, 1));
  if (fit < (plan.whole ? items : 1)) {
    const need = (plan.whole ? items : 1) * perItem + slack;
    if (plan.whole) throw new RangeError(`${arena.fn}: the call needs ${need} bytes of wasm scratch memory at once but the limit leaves ${arena.available()}; raise it with setMemoryLimit()`);
    throw new RangeError(`${arena.fn}: one item needs ${perItem} bytes of wasm scratch memory but the limit leaves ${arena.available()}; raise it with setMemoryLimit()`);
  }
  const cacheSized = Math.max(1, Math.floor(BLOCK_BYTES / Math.max(perItem, 1)));
  const block = Math.min(items, fit, plan.whole ? Infinity : cacheSized, plan.maxBlock ?? Infinity);

  // Allocate one block's staging once; every block reuses it, through views made after the last
  // allocation (allocating may grow memory, which detaches older views).
  const mark = arena.mark();
  const ptrs = operands.map((o, i) => {
    if (!o || o.role === 'whole') return base[i];
    if (inPlace[i]) return (o as In).ptr!;
    if (direct[i]) return ((o as Out).into as WasmTensor).ptr;
    return arena.alloc((block * o.per + (o.role === 'scratch' ? o.extra ?? 0 : 0)) * size(o) + 16);
  });
  const views = operands.map((o, i) => (o && (o.role === 'out' || o.role === 'in') && !direct[i] && !inPlace[i]
    ? view(arena, o.role === 'in' && o.int32 ? 'int32' : dtype, ptrs[i], block * o.per) : null));
  let total = 0;
  try {
    for (let start = 0; start < items; start += block) {
      const count = Math.min(block, items - start);
      const blockPtrs = ptrs.slice();
      operands.forEach((o, i) => {
        if (direct[i]) blockPtrs[i] = ptrs[i] + start * (o as Out).per * bytes;
        if (!o || o.role !== 'in') return;
        if (inPlace[i]) {
          blockPtrs[i] = o.ptr! + start * o.per * size(o);
          return;
        }
        const n = count * o.per;
        const dst = count === block ? views[i]! : views[i]!.subarray(0, n);
        if (o.gather) o.gather(dst as FloatArray, start, count);
        else dst.set(o.data.subarray(start * o.per, start * o.per + n));
      });
      total += kernel(count, blockPtrs, start);
      let k = 0;
      operands.forEach((o, i) => {
        if (o?.role !== 'out') return;
        const at = k++;
        if (direct[i]) return;
        // a staged WasmTensor result (another dtype) through its current view
        const result = o.into instanceof WasmTensor ? o.into.data : outputs[at]!;
        const src = (count === block ? views[i]! : views[i]!.subarray(0, count * o.per)) as FloatArray;
        if (o.scatter) o.scatter(src, result, start, count);
        else result.set(src, start * o.per);
      });
    }
  } finally {
    arena.rewind(mark);
  }
  return { total, outputs: finish() };
}

function view(arena: Arena, type: Dtype | 'int32', ptr: number, n: number): FloatArray | Int32Array {
  return type === 'int32' ? new Int32Array(arena.memory.buffer, ptr, n) : arena.view(type, ptr, n);
}
