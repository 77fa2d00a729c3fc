// Threads: the plain (not shared) memory for the calls that stay on the calling thread.
//
// While the worker pool runs (src/wasm/pool.ts) the modules' memory is a shared one, and V8 copies
// into and out of a SharedArrayBuffer several times slower than a plain one (docs/memory.md,
// "Threads"): for a small call, or a plain-array call that stays on one thread, the copies are a
// large part of its time. Such a call reads no resident tensor in place, so it stages its operands
// here instead (src/wasm/direct.ts for the lean path, run() in src/wasm/runtime.ts), and runs on
// instances of the same module builds over this memory (the pool's kernel wrapper, while `on`):
// the same kernels on the same values, so the same bits.
import { HEAP_BASE } from './modules/layout';

/**
 * The plain memory the pool made, or null (no pool: calls stage in the modules' memory), and
 * whether the call being served stages in it (`on`, set and cleared by the call); its buffer (read
 * once per growth: reading memory.buffer is a call into the engine), and how many calls staged in
 * it (tests).
 */
export const PLAIN = { memory: null as WebAssembly.Memory | null, on: false, buffer: null as ArrayBuffer | null, staged: 0 };
/** Where staging starts: above the modules' static data, which their plain instances place here too. */
const PLAIN_BASE = (HEAP_BASE + 15) & ~15;
const PAGE = 65536;

/** The base of `bytes` of staging in the plain memory, grown to hold it. */
export function plainRoom(bytes: number): number {
  const have = PLAIN.buffer!.byteLength;
  if (PLAIN_BASE + bytes > have) {
    const plain = PLAIN.memory!;
    plain.grow(Math.ceil((PLAIN_BASE + bytes - have) / PAGE));
    PLAIN.buffer = plain.buffer;
  }
  PLAIN.staged++;
  return PLAIN_BASE;
}

/** Sets the plain memory (the pool's start), or null (its stop). */
export function setPlainMemory(memory: WebAssembly.Memory | null): void {
  PLAIN.memory = memory;
  PLAIN.buffer = memory === null ? null : memory.buffer;
  PLAIN.on = false;
}

/** The pages a new plain memory takes: the modules' static data and `bytes` of staging. */
export const plainPages = (bytes: number): number => Math.ceil((PLAIN_BASE + bytes) / PAGE);
