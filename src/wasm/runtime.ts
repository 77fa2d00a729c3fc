// The runtime: the only code that turns a loss's operands into wasm pointers. A loss says "run this
// kernel over `items` rows (or elements), with these operands, each so many values per item"; the
// runtime plans blocks, stages the inputs block by block (or reads resident tensors in place), runs
// the kernel on each block while it is still in cache, and copies each block's outputs to their
// arrays (a new one, or the caller's gradInto target).
//
// Why blocks of about L2 size rather than one chunk as large as the memory cap allows: a call then
// reads the caller's memory once (the copy in), and the kernel reads the copy from L2, not DRAM
// (docs/memory.md). The same loop keeps every call under the cap (setMemoryLimit).
//
// Plan, then allocate, then view: a call sizes everything it will put in wasm memory, allocates it
// (which may grow the memory and detach every view of it), and only then makes its views, the
// views of resident operands included. No view made before an allocation is used after it, and no
// code of the caller's runs here: operands are arrays the library made or its own views of the
// caller's (src/wasm/views.ts), and the operand records have every field set (Operand), so nothing
// is read through Object.prototype.
import { FloatTensor } from '../tensor';
import { newFloat } from '../shapes';
import type { Dtype, FloatArray } from '../dtypes';
import type { Arena } from './arena';
import { PLAIN, plainRoom } from './plain';
import { narrowOut, widenIn } from './half';
import { WasmTensor } from './resident';
import { bufferView, isHalfArray, wasmView } from './views';

/** Bytes of staged operands per block: a few operands of 16–64 KiB each stay in a 512 KiB–1 MiB L2. */
export const BLOCK_BYTES = 256 * 1024;

/**
 * What an input reads: a checked float argument (read in place when it lives in wasm memory and
 * has the kernel's dtype), or an array the library made (never a caller's: see src/wasm/views.ts).
 */
export type Values = FloatTensor | FloatArray | Int32Array;

/** Where an output goes: the library's own view of a caller's array, or a WasmTensor (written in place when of the kernel's dtype). */
export type Target = FloatArray | WasmTensor;

/** Copies items [start, start + count) of `src` (all of an input's values) into dst, when they are not contiguous. */
export type Gather = (dst: FloatArray, src: FloatArray, start: number, count: number) => void;
/** Copies a block's values to their place in `result`, when that is not contiguous. */
export type Scatter = (src: FloatArray, result: FloatArray, start: number, count: number) => void;

type Role = 'in' | 'out' | 'whole' | 'scratch';

/** One kernel operand. Made by input(), output(), whole(), wholeScratch() and scratch(). */
export class Operand {
  constructor(
    readonly role: Role,
    /** Values per item (in, out, scratch). */
    readonly per: number,
    /** The values (in, whole). */
    readonly values: Values | null,
    readonly gather: Gather | null,
    /** The result array (out); null: a new one. */
    readonly into: Target | null,
    readonly scatter: Scatter | null,
    /** Bytes (a whole scratch), or extra values after the block's (a block scratch: the kernel's padding). */
    readonly extra: number,
  ) {}
}

/** An input read block by block: `per` values per item. */
export const input = (per: number, values: Values, gather: Gather | null = null): Operand => new Operand('in', per, values, gather, null, null, 0);
/** An output written block by block into `into` (a new array of items × per when null). */
export const output = (per: number, into: Target | null = null, scatter: Scatter | null = null): Operand => new Operand('out', per, null, null, into, scatter, 0);
/** Values every block reads (weights, labels), copied in once. */
export const whole = (values: Values): Operand => new Operand('whole', 0, values, null, null, null, 0);
/** `bytes` of scratch for the whole call. */
export const wholeScratch = (bytes: number): Operand => new Operand('whole', 0, null, null, null, null, bytes);
/** Scratch for one block: `per` values per item and `extra` more (the kernel's own padding). */
export const scratch = (per: number, extra = 0): Operand => new Operand('scratch', per, null, null, null, null, extra);

export interface RunResult {
  /** The sum of what the kernel returned over the blocks. */
  total: number;
  /** One array per output operand, in order: `into` itself (a WasmTensor's current view) or a new array. */
  outputs: FloatArray[];
}

export const isInt32 = (v: Values | null): boolean => v instanceof Int32Array;

/** The values as an array now (a resident tensor's view made now: call after the last allocation). */
export function arrayOf(v: Values): FloatArray | Int32Array {
  return v instanceof FloatTensor ? v.data : v;
}

/** The length of the values. */
export function lengthOfValues(v: Values): number {
  return v instanceof FloatTensor ? v.size : v.length;
}

// The arrays a call of run() works in, kept between calls: calls never nest (no code of the
// caller's runs inside one), and a call that allocated nothing leaves nothing for the collector.
const FIXED: number[] = [];
const PTRS: number[] = [];
const BLOCK_PTRS: number[] = [];
const STAGING: Array<FloatArray | Int32Array | null> = [];
const SOURCES: Array<FloatArray | Int32Array | null> = [];
const RESULTS: Array<FloatArray | null> = [];

/**
 * What a call of `run` would stage: per operand, the pointer of one that needs no staging (-1 when
 * staged), and the bytes per item, of slack, and of whole operands.
 */
function planOf(dtype: Dtype, operands: ReadonlyArray<Operand | null>): { fixed: number[]; perItem: number; allPerItem: number; slack: number; wholeBytes: number } {
  const bytes = dtype === 'float32' ? 4 : 8;
  const n = operands.length;
  // `dtype` is the kernel's: a loss may run a float64 kernel on float32 data (docs/accuracy.md).
  // Decided once per operand: read in place (a resident input or whole of the kernel's dtype, not
  // gathered), written in place (a WasmTensor output of the kernel's dtype, not scattered), or staged.
  const fixed = FIXED; // the pointer of an operand that needs no staging, or -1
  fixed.length = n;
  fixed.fill(-1);
  let perItem = 0;
  let allPerItem = 0;
  let slack = 16;
  let wholeBytes = 0;
  for (let i = 0; i < n; i++) {
    const o = operands[i];
    if (!o) {
      fixed[i] = 0;
      continue;
    }
    const v = o.values;
    if (v instanceof FloatTensor) v.checkLive();
    if (o.role !== 'whole') allPerItem += o.per * (isInt32(v) ? 4 : bytes);
    if ((o.role === 'in' || o.role === 'whole') && v instanceof FloatTensor && v.resident !== null && v.dtype === dtype && !v.half && o.gather === null) {
      fixed[i] = v.resident.ptr;
    } else if (o.role === 'out' && o.into instanceof WasmTensor && o.into.dtype === dtype && o.scatter === null) {
      fixed[i] = o.into.ptr;
    } else if (o.role === 'whole') {
      wholeBytes += 16 + (v === null ? o.extra : lengthOfValues(v) * (isInt32(v) ? 4 : bytes) + 16);
    } else {
      perItem += o.per * (isInt32(v) ? 4 : bytes);
      slack += 16 + (o.role === 'scratch' ? o.extra * bytes : 0);
    }
  }
  return { fixed, perItem, allPerItem, slack, wholeBytes };
}

/** Whether one item of these operands fits under the memory limit (a loss may then choose larger items). */
export function fitsOneItem(arena: Arena, dtype: Dtype, operands: ReadonlyArray<Operand | null>): boolean {
  const { perItem, slack, wholeBytes } = planOf(dtype, operands);
  return arena.available() - wholeBytes - slack >= perItem;
}

/**
 * Runs `kernel(count, ptrs, start)` over `items` items in blocks. `ptrs[i]` is operand i's pointer
 * for the block (0 for a null operand; the same array each block). Each staged operand is padded
 * by one vector: kernels may read and write their last vector whole. `maxBlock` caps the items per
 * block (e.g. 1 when a kernel keeps state across items); `wholeCall` runs all items as one block,
 * or throws if they do not fit. `replayable`: the block function only calls kernels (with
 * arguments made from `count`, the pointers and the call's constants; no reads of wasm memory
 * between them, no other effects), so that with threads its calls can be recorded and run by any
 * thread (src/wasm/parallel.ts); the others run on the calling thread. `'heavy'`: replayable, and
 * the kernel's work per byte so far above a copy's (a sort, a windowed filter) that the call splits
 * even when the calling thread copies its operands in and out (tuning.copiedShare does not apply).
 */
export function run(
  arena: Arena, dtype: Dtype, items: number, operands: ReadonlyArray<Operand | null>,
  kernel: (count: number, ptrs: number[], start: number) => number,
  maxBlock = Infinity, wholeCall = false, replayable: boolean | 'heavy' = false,
): RunResult {
  const bytes = dtype === 'float32' ? 4 : 8;
  const n = operands.length;
  const { fixed, perItem, allPerItem, slack, wholeBytes } = planOf(dtype, operands);
  // Size the blocks, then allocate everything at once.
  let block = 0;
  if (items > 0) {
    const fit = Math.floor((arena.available() - wholeBytes - slack) / Math.max(perItem, 1));
    const least = wholeCall ? items : 1;
    if (fit < least) {
      const need = least * perItem + slack + wholeBytes;
      const left = arena.available();
      if (wholeCall) throw new RangeError(`${arena.fn}: the call needs ${need} bytes of wasm scratch memory at once but the limit leaves ${left}; raise it with setMemoryLimit()`);
      throw new RangeError(`${arena.fn}: one item needs ${perItem} bytes of wasm scratch memory (and ${wholeBytes} for the whole call) but the limit leaves ${left}; raise it with setMemoryLimit()`);
    }
    // Blocks are sized by all of an item's operands, those read or written in place included, so
    // that they depend on the call's shape alone: a resident argument and a copied one, and any
    // thread count (runParallel), give the same blocks and so the same sums.
    const cacheSized = Math.max(1, Math.floor(tuning.blockBytes / Math.max(allPerItem, 1)));
    block = Math.min(items, fit, wholeCall ? Infinity : cacheSized, maxBlock);
  }
  if (parallel !== null && replayable !== false && block < items && !wholeCall) {
    const r = parallel.run(arena, dtype, items, operands, kernel, block, fixed, allPerItem, replayable === 'heavy');
    if (r !== null) return r;
  }
  const mark = arena.mark();
  const ptrs = PTRS;
  ptrs.length = n;
  // While the pool runs, a call on this thread that reads and writes nothing in place and whose
  // block function only calls kernels (`replayable`) stages in the plain memory of
  // src/wasm/plain.ts: the same blocks, kernels and values, the same bits, faster copies.
  const plain = PLAIN.memory !== null && replayable !== false && stagesAll(operands, fixed);
  let plainTop = 0;
  for (let i = 0; i < n; i++) {
    const o = operands[i];
    if (!o || fixed[i] >= 0) {
      ptrs[i] = fixed[i];
      continue;
    }
    const v = o.values;
    const size = o.role === 'whole' ? (v === null ? o.extra : lengthOfValues(v) * (isInt32(v) ? 4 : bytes) + 16)
      : items > 0 ? (block * o.per + (o.role === 'scratch' ? o.extra : 0)) * (isInt32(v) ? 4 : bytes) + 16 : -1;
    if (size < 0) ptrs[i] = 0;
    else if (plain) {
      ptrs[i] = plainTop; // an offset until plainRoom() gives the base
      plainTop += Math.ceil(size / 16) * 16;
    } else ptrs[i] = arena.alloc(size);
  }
  if (plain) {
    // the memory limit as without threads: what would not fit in the arena does not run here either
    if (plainTop > arena.available()) arena.alloc(plainTop); // (throws the arena's RangeError)
    const base = plainRoom(plainTop);
    for (let i = 0; i < n; i++) if (operands[i] && fixed[i] < 0 && (operands[i]!.role === 'whole' || items > 0)) ptrs[i] += base;
  }
  const view = plain ? plainView : wasmView;

  try {
    PLAIN.on = plain;
    // Views, after the last allocation: the staging areas and every source and result.
    const staging = STAGING, sources = SOURCES, results = RESULTS;
    staging.length = sources.length = results.length = n;
    staging.fill(null);
    sources.fill(null);
    results.fill(null);
    for (let i = 0; i < n; i++) {
      const o = operands[i];
      if (!o) continue;
      const v = o.values;
      if (o.role === 'whole') {
        if (v !== null && fixed[i] < 0) view(isInt32(v) ? 'int32' : dtype, ptrs[i], lengthOfValues(v)).set(arrayOf(v));
        continue;
      }
      if (o.role === 'out') results[i] = o.into instanceof WasmTensor ? o.into.data : o.into ?? newFloat(dtype, items * o.per);
      if (fixed[i] >= 0 || o.role === 'scratch' || items === 0) continue;
      staging[i] = view(isInt32(v) ? 'int32' : dtype, ptrs[i], block * o.per);
      if (o.role === 'in') sources[i] = arrayOf(v!);
    }

    let total = 0;
    if (items === 0) total = kernel(0, ptrs, 0);
    const blockPtrs = BLOCK_PTRS;
    blockPtrs.length = n;
    for (let i = 0; i < n; i++) blockPtrs[i] = ptrs[i];
    for (let start = 0; start < items; start += block) {
      const count = Math.min(block, items - start);
      for (let i = 0; i < n; i++) {
        const o = operands[i];
        if (!o || o.role === 'whole' || o.role === 'scratch') continue;
        const per = o.per;
        if (fixed[i] >= 0) {
          blockPtrs[i] = ptrs[i] + start * per * (isInt32(o.values) ? 4 : bytes);
          continue;
        }
        if (o.role !== 'in') continue;
        const dst = count === block ? staging[i]! : staging[i]!.subarray(0, count * per);
        const src = sources[i]!;
        if (o.gather) o.gather(dst as FloatArray, src as FloatArray, start, count);
        // Float16Array values: widened in wasm (src/wasm/half.ts)
        else if (!(dtype === 'float32' && isHalfArray(src) && widenIn(src, start * per, count * per, ptrs[i]))) dst.set(src.subarray(start * per, (start + count) * per));
      }
      total += kernel(count, blockPtrs, start);
      for (let i = 0; i < n; i++) {
        const o = operands[i];
        if (!o || o.role !== 'out' || fixed[i] >= 0) continue;
        const src = (count === block ? staging[i]! : staging[i]!.subarray(0, count * o.per)) as FloatArray;
        const result = results[i]!;
        if (o.scatter) o.scatter(src, result, start, count);
        // a Float16Array result: narrowed in wasm (src/wasm/half.ts)
        else if (!(dtype === 'float32' && isHalfArray(result) && narrowOut(ptrs[i], count * o.per, result, start * o.per))) result.set(src, start * o.per);
      }
    }
    const outputs: FloatArray[] = [];
    for (let i = 0; i < n; i++) if (operands[i]?.role === 'out') outputs.push(results[i]!);
    return { total, outputs };
  } finally {
    PLAIN.on = false;
    arena.rewind(mark);
    // nothing of this call's is kept alive by the reused arrays
    STAGING.fill(null);
    SOURCES.fill(null);
    RESULTS.fill(null);
  }
}

/**
 * One kernel call by name: made by the kernel's function in src/wasm/modules/<family>.args.ts,
 * generated from the kernel list (`cross_entropy(k, dtype, { C, logits: input(C, x), … })`), which
 * puts the pointer operands in the list's order and calls the export with the record's values.
 */
export interface KernelCall {
  /** The dtype the kernel computes in: the data's, or float64 for a kernel the list builds for f64 only. */
  readonly dtype: Dtype;
  /** The pointer arguments' operands, in the list's order (null: pointer 0). */
  readonly operands: Array<Operand | null>;
  /** Calls the kernel on a block of `count` items, operand i at p[i]; returns what it returned (0 for a void kernel). */
  readonly call: (count: number, p: number[]) => number;
}

/**
 * run() of a named call over `items` items. Replayable by construction (its block function only
 * calls the kernel, with arguments made from the count, the pointers and the record's constants),
 * so that with threads its blocks can run on any thread; `'heavy'`: run()'s.
 */
export function runCall(arena: Arena, items: number, c: KernelCall, replayable: true | 'heavy' = true): RunResult {
  return run(arena, c.dtype, items, c.operands, c.call, Infinity, false, replayable);
}

/**
 * Where `o` is among a pair's operands (src/wasm/modules/<family>.args.ts, `pairs` in the kernel
 * list): an operand the first call took is the same one (by identity), else appended; null: an
 * appended null (pointer 0).
 */
export function slotOf(operands: Array<Operand | null>, o: Operand | null): number {
  const i = o === null ? -1 : operands.indexOf(o);
  return i >= 0 ? i : operands.push(o) - 1;
}

/** The array run() returned for `o`, an output operand of `c` (`r.outputs` holds the outputs in operand order). */
export function outputOf(c: KernelCall, r: RunResult, o: Operand): FloatArray {
  let j = 0;
  for (const x of c.operands) {
    if (x === o) break;
    if (x !== null && x.role === 'out') j++;
  }
  return r.outputs[j];
}

/**
 * Whether a call stages every operand it has (none read or written in place) and none is a
 * Float16Array (widened and narrowed by the half module in the shared memory: src/wasm/half.ts).
 */
function stagesAll(operands: ReadonlyArray<Operand | null>, fixed: number[]): boolean {
  for (let i = 0; i < operands.length; i++) {
    const o = operands[i];
    if (!o) continue;
    if (fixed[i] >= 0) return false;
    const v = o.values;
    if (v instanceof FloatTensor ? v.half : v !== null && isHalfArray(v)) return false;
    if (o.into !== null && (o.into instanceof WasmTensor ? o.into.dtype === 'float16' : isHalfArray(o.into))) return false;
  }
  return true;
}

/** A view of n values at ptr in the plain memory (src/wasm/plain.ts). */
const plainView = (type: 'float32' | 'float64' | 'int32', ptr: number, n: number): FloatArray | Int32Array => bufferView(PLAIN.buffer!, type, ptr, n);

/**
 * The runtime's sizes. Test switches (not public API), like Arena.forceGrowth: test/threads.test.ts
 * makes blocks small so that fixture-sized calls run in parallel, and the `threads` vitest project
 * lets calls with copied operands run in parallel too.
 */
export const tuning = {
  /** Bytes of operands per block (BLOCK_BYTES). */
  blockBytes: BLOCK_BYTES,
  /**
   * Up to this many bytes of operands (three blocks) a call stays on one thread: a job round trip
   * costs 1.5 µs with the workers awake and 15–30 µs asleep, which a call pays back from about
   * 50 µs of work (issue 18's measurements), and the cheapest kernels (mseLoss) take about 30 µs a
   * MiB; a 2^16 mseLoss (two blocks) was slower on two threads (bench/threads.mjs). Four blocks
   * split: crossEntropy 256×1000 forward (1,025,024 bytes, 200 µs) sat just under a 1 MiB bound.
   */
  parallelMinBytes: 3 * BLOCK_BYTES + 1,
  /** The share of an item's bytes that may be copied in or out by the caller's thread in a parallel call (but a 'heavy' kernel's: run()). */
  copiedShare: 0.25,
};


/** A run() split among threads (src/wasm/parallel.ts), or null when the call is not one for them. */
export type ParallelRun = (
  arena: Arena, dtype: Dtype, items: number, operands: ReadonlyArray<Operand | null>,
  kernel: (count: number, ptrs: number[], start: number) => number,
  block: number, fixed: number[], allPerItem: number, heavy: boolean,
) => RunResult | null;

/** The parallel path and the thread count, while a worker pool runs (src/wasm/pool.ts, a chunk that init({ threads }) loads). */
let parallel: { run: ParallelRun; threads: () => number } | null = null;

export function setParallel(p: { run: ParallelRun; threads: () => number } | null): void {
  parallel = p;
}

/** The threads calls can use now. */
export function threadsNow(): number {
  return parallel === null ? 1 : parallel.threads();
}
