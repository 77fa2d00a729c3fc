// run() split among threads (src/wasm/pool.ts): loaded with the pool, installed in the runtime
// (setParallel) while it runs.
import type { Dtype, FloatArray } from '../dtypes';
import type { Arena } from './arena';
import { activePool, beginBlock, beginRecording, endBlock, endRecording, recordedBytes, runRecorded } from './pool';
import type { Operand, RunResult } from './runtime';
import { host } from './threads-host';

const PTRS: number[] = [];
const BLOCK_PTRS: number[] = [];

/**
 * run() on the caller's thread and the pool's workers, or null when the call is not one for them:
 * fewer than two blocks or host.tuning.parallelMinBytes, operands copied in or out making up more than
 * host.tuning.copiedShare of an item's bytes, unless the kernel is `heavy` (only the caller's thread can read a caller's array: it
 * copies every block in before the workers start and out after they end, and with a shared
 * memory those copies are the slow part), a whole-call scratch (wholeScratch: one area every block
 * writes), an output written in place whose block boundaries are not on a vector (kernels may
 * store their last vector whole, which would reach a block another thread writes), a staged area
 * that does not fit, or a block function the recording cannot replay (src/wasm/pool.ts).
 *
 * The blocks are run()'s, and each staged operand gets run()'s staging area once per block (the
 * block's values and one vector of padding), so each block's kernel call reads and writes what it
 * would on one thread; the blocks' results are summed in block order.
 */
export function runParallel(
  arena: Arena, dtype: Dtype, items: number, operands: ReadonlyArray<Operand | null>,
  kernel: (count: number, ptrs: number[], start: number) => number,
  block: number, fixed: number[], allPerItem: number, heavy = false,
): RunResult | null {
  const p = activePool();
  if (p === null) return null;
  const blocks = Math.ceil(items / block);
  if (blocks < 2 || blocks > 0xffff || items * allPerItem < host.tuning.parallelMinBytes) return null;
  const bytes = dtype === 'float32' ? 4 : 8;
  const n = operands.length;
  let copied = 0;
  let need = 64;
  const stride: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = operands[i];
    stride[i] = 0;
    if (!o) continue;
    const eb = host.isInt32(o.values) ? 4 : bytes;
    if (o.role === 'whole') {
      if (o.values === null) return null;
      if (fixed[i] < 0) need += host.lengthOfValues(o.values) * eb + 32;
      continue;
    }
    if (fixed[i] >= 0) {
      if (o.role === 'out' && ((block * o.per * eb) % 16 !== 0 || (o.per > 1 && (o.per * eb) % 16 !== 0))) return null;
      continue;
    }
    if (o.role !== 'scratch') copied += o.per * eb;
    stride[i] = Math.ceil(((block * o.per + (o.role === 'scratch' ? o.extra : 0)) * eb + 16) / 16) * 16;
    need += blocks * stride[i] + 16;
  }
  if (!heavy && copied > host.tuning.copiedShare * allPerItem) return null;
  // the recorded table: a few dozen numbers per block
  need += blocks * 8 * 40;
  if (need > arena.available()) return null;

  const mark = arena.mark();
  const ptrs = PTRS;
  ptrs.length = n;
  for (let i = 0; i < n; i++) {
    const o = operands[i];
    if (!o || fixed[i] >= 0) {
      ptrs[i] = fixed[i];
      continue;
    }
    const v = o.values;
    if (o.role === 'whole') ptrs[i] = arena.alloc(host.lengthOfValues(v!) * (host.isInt32(v) ? 4 : bytes) + 16);
    else ptrs[i] = arena.alloc(blocks * stride[i]);
  }
  let recordingOn = false;
  try {
    // copy in: whole operands once, staged inputs block by block (views after the allocations but
    // the table's, which the pool views afresh)
    for (let i = 0; i < n; i++) {
      const o = operands[i];
      if (!o || fixed[i] >= 0 || (o.role !== 'whole' && o.role !== 'in')) continue;
      const v = o.values!;
      const type = host.isInt32(v) ? 'int32' : dtype;
      if (o.role === 'whole') {
        host.wasmView(type, ptrs[i], host.lengthOfValues(v)).set(host.arrayOf(v));
        continue;
      }
      const src = host.arrayOf(v);
      for (let b = 0, start = 0; b < blocks; b++, start += block) {
        const count = Math.min(block, items - start);
        const dst = host.wasmView(type, ptrs[i] + b * stride[i], count * o.per);
        if (o.gather) o.gather(dst as FloatArray, src as FloatArray, start, count);
        else dst.set(src.subarray(start * o.per, (start + count) * o.per));
      }
    }
    // record each block's kernel calls
    const blockPtrs = BLOCK_PTRS;
    blockPtrs.length = n;
    beginRecording();
    recordingOn = true;
    for (let b = 0, start = 0; b < blocks; b++, start += block) {
      const count = Math.min(block, items - start);
      for (let i = 0; i < n; i++) {
        const o = operands[i];
        if (!o || o.role === 'whole') blockPtrs[i] = ptrs[i];
        else if (fixed[i] >= 0) blockPtrs[i] = ptrs[i] + start * o.per * (host.isInt32(o.values) ? 4 : bytes);
        else blockPtrs[i] = ptrs[i] + b * stride[i];
      }
      beginBlock();
      if (!endBlock(kernel(count, blockPtrs, start))) {
        endRecording();
        recordingOn = false;
        arena.rewind(mark);
        return null;
      }
    }
    endRecording();
    recordingOn = false;
    if (recordedBytes(blocks) + 16 > arena.available()) {
      arena.rewind(mark);
      return null;
    }
    const at = arena.alloc(recordedBytes(blocks));
    const total = runRecorded(p, blocks, at, arena.fn);
    // copy out, block by block
    const outputs: FloatArray[] = [];
    for (let i = 0; i < n; i++) {
      const o = operands[i];
      if (!o || o.role !== 'out') continue;
      const result = o.into instanceof host.WasmTensor ? o.into.data : o.into ?? host.newFloat(dtype, items * o.per);
      if (fixed[i] < 0) {
        for (let b = 0, start = 0; b < blocks; b++, start += block) {
          const count = Math.min(block, items - start);
          const src = host.wasmView(dtype, ptrs[i] + b * stride[i], count * o.per) as FloatArray;
          if (o.scatter) o.scatter(src, result, start, count);
          else result.set(src, start * o.per);
        }
      }
      outputs.push(result);
    }
    return { total, outputs };
  } finally {
    if (recordingOn) endRecording();
    arena.rewind(mark);
  }
}
