// The runtime's one-block call, for the lean call path (src/lean.ts): the caller allocates every
// operand in the arena, then copies in through views of the whole memory that are made once per
// memory buffer (re-made only after growth), runs the kernel once, and copies out. Nothing here
// allocates on the JS heap for a call whose shape repeats: the copy-out views are cached by place.
//
// While the worker pool runs, a lean call stages in the plain memory of src/wasm/plain.ts (a
// lean call never reads a resident tensor: src/lean.ts declines views of wasm memory).
import type { Dtype, FloatArray } from '../dtypes';
import type { Arena } from './arena';
import { PLAIN, plainRoom } from './plain';
import { BLOCK_BYTES } from './runtime';
import { wasmBuffer } from './views';

let viewed: ArrayBufferLike | null = null;
let F32: Float32Array<ArrayBufferLike> = new Float32Array(0);
let F64: Float64Array<ArrayBufferLike> = new Float64Array(0);
let I32: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** Views of the whole wasm memory the call stages in, current: call after the call's last allocation. */
function refresh(): void {
  const b = PLAIN.on ? PLAIN.buffer! : wasmBuffer();
  if (b === viewed) return;
  viewed = b;
  F32 = new Float32Array(b);
  F64 = new Float64Array(b);
  I32 = new Int32Array(b);
}

/** The float heap of `dtype` (a view of all of wasm memory). */
export function heap(dtype: Dtype): FloatArray {
  refresh();
  return dtype === 'float32' ? F32 : F64;
}

/** The int32 heap. */
export function heapI32(): Int32Array {
  refresh();
  return I32;
}

/** n rounded up to a multiple of 16: the arena's alignment, which lets one allocation hold several operands. */
const align16 = (n: number): number => (n + 15) & ~15;
/** An operand's room: its bytes and one vector of padding (kernels read and write their last vector whole), 16-aligned; 0 when absent. */
const room = (bytes: number): number => (bytes > 0 ? align16(bytes + 16) : 0);

/** The byte pointers place() laid out (0 for an absent operand), valid until release(). */
export const PTRS = new Int32Array(5);
let placedAt = 0;

/**
 * Lays out up to four staged operands of `a`…`d` bytes (0: absent) and `scratch` bytes of
 * working space in one allocation, into PTRS. False, allocating nothing, when the staged bytes
 * exceed one runtime block (the general path then splits the call: src/wasm/runtime.ts) or the
 * memory limit: the call then takes the general path, whose single block this is otherwise.
 */
export function place(arena: Arena, a: number, b: number, c: number, d: number, scratch: number): boolean {
  const ra = room(a), rb = room(b), rc = room(c), rd = room(d), rs = align16(scratch);
  const total = ra + rb + rc + rd + rs;
  // the memory limit as without threads: the same calls are lean, and the same ones decline
  if (a + b + c + d > BLOCK_BYTES || total > arena.available()) return false;
  let p: number;
  if (PLAIN.memory !== null) {
    p = plainRoom(total);
    PLAIN.on = true;
  } else {
    placedAt = arena.mark();
    p = arena.alloc(total);
  }
  PTRS[0] = a > 0 ? p : 0;
  PTRS[1] = b > 0 ? p + ra : 0;
  PTRS[2] = c > 0 ? p + ra + rb : 0;
  PTRS[3] = d > 0 ? p + ra + rb + rc : 0;
  PTRS[4] = scratch > 0 ? p + ra + rb + rc + rd : 0;
  return true;
}

/** Frees what place() allocated. */
export function release(arena: Arena): void {
  if (PLAIN.on) PLAIN.on = false;
  else arena.rewind(placedAt);
}

/** %TypedArray%.prototype.set: a caller's array may shadow `set`, so it is never called through the array. */
const typedSet = (Object.getPrototypeOf(Int8Array.prototype) as { set: (this: ArrayBufferView, src: ArrayLike<number>, offset?: number) => void }).set;

/**
 * Copies `src` (any typed array of `n` numbers) into the heap at byte pointer `ptr`. A few values are
 * copied by a loop, cheaper than the builtin's checks (a typed array's indexed reads never run the
 * caller's code: they read its elements, whatever its prototype or own properties).
 */
export function copyIn(h: FloatArray | Int32Array, ptr: number, src: ArrayBufferView, n: number): void {
  if (n <= 4) {
    const at = ptr / h.BYTES_PER_ELEMENT, s = src as unknown as ArrayLike<number>;
    for (let i = 0; i < n; i++) h[at + i] = s[i];
    return;
  }
  typedSet.call(h, src as unknown as ArrayLike<number>, ptr / h.BYTES_PER_ELEMENT);
}

// The last few copy-out sources, by place: a loop calling one shape reuses its view.
const SLOTS = 4;
const slotView: Array<FloatArray | null> = [null, null, null, null];
const slotKey = new Float64Array(SLOTS * 3); // buffer generation, ptr, n (and dtype in the sign of n)
let generation = 0;
let generationOf: ArrayBufferLike | null = null;
let nextSlot = 0;

/** A view of n values of the heap `h` at byte pointer `ptr`, reused while memory does not grow. */
function viewAt(h: FloatArray, ptr: number, n: number): FloatArray {
  if (generationOf !== viewed) {
    generationOf = viewed;
    generation++;
  }
  const key = h === F32 ? n : -n - 1;
  for (let s = 0; s < SLOTS; s++) {
    if (slotKey[s * 3] === generation && slotKey[s * 3 + 1] === ptr && slotKey[s * 3 + 2] === key) return slotView[s]!;
  }
  const s = nextSlot;
  nextSlot = (s + 1) % SLOTS;
  const v = h.subarray(ptr / h.BYTES_PER_ELEMENT, ptr / h.BYTES_PER_ELEMENT + n);
  slotView[s] = v;
  slotKey[s * 3] = generation;
  slotKey[s * 3 + 1] = ptr;
  slotKey[s * 3 + 2] = key;
  return v;
}

/** Copies n values of the heap `h` at byte pointer `ptr` into `dst` (the library's array or a caller's). */
export function copyOut(h: FloatArray, ptr: number, n: number, dst: FloatArray): void {
  if (n <= 16) {
    const at = ptr / h.BYTES_PER_ELEMENT;
    for (let i = 0; i < n; i++) dst[i] = h[at + i];
    return;
  }
  typedSet.call(dst, viewAt(h, ptr, n));
}
