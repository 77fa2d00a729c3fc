// Processing inputs larger than the scratch under the memory limit: in chunks of items (rows or
// elements), each chunk's scratch allocated after a mark and released before the next.
import type { Arena } from './arena';

/** Alignment slack per allocation, for up to this many allocations per chunk. */
const SLACK = 16 * 16;

/**
 * Calls body(start, count) over [0, total) in chunks whose scratch fits: `perItem` bytes per item,
 * after `fixed` bytes already taken. Throws a RangeError naming the limit if not one item fits.
 */
export function forChunks(arena: Arena, total: number, perItem: number, body: (start: number, count: number) => void): void {
  if (total === 0) return;
  const fit = Math.floor((arena.available() - SLACK) / Math.max(perItem, 1));
  if (fit < 1) {
    throw new RangeError(`simdloss: one item needs ${perItem} bytes of wasm scratch memory but the limit leaves ${arena.available()}; raise it with setMemoryLimit()`);
  }
  const size = Math.min(total, fit);
  const mark = arena.mark();
  for (let start = 0; start < total; start += size) {
    arena.rewind(mark);
    body(start, Math.min(size, total - start));
  }
  arena.rewind(mark);
}
