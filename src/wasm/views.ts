// Reading a caller's typed array without running the caller's code, and knowing a view of wasm
// memory when one is passed in.
//
// A typed array's methods and accessors can be the caller's: a subclass's species constructor
// runs on `subarray`/`slice`, an instance can shadow `length`, `set` or `constructor`. So an
// argument is read once through the intrinsic accessors of %TypedArray%.prototype (which read the
// array's internal slots and run nothing else), and the library then works on a view of its own
// over the same memory, a plain Float32Array/Float64Array/Int32Array that no caller has touched.
import type { FloatArray, Float16ArrayLike, StorageDtype } from '../dtypes';

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsic = (key: string | symbol) => Object.getOwnPropertyDescriptor(TypedArrayPrototype, key)!.get!;
const bufferGetter = intrinsic('buffer');
const byteOffsetGetter = intrinsic('byteOffset');
const lengthGetter = intrinsic('length');
const tagGetter = intrinsic(Symbol.toStringTag);

/** The element type of a typed array ('Float32Array', 'Int32Array', …), from its internal slot; undefined for anything else (a Proxy, a DataView, a plain object). */
export function typedArrayName(x: unknown): string | undefined {
  return tagGetter.call(x) as string | undefined;
}

/** The length of a typed array, through the intrinsic accessor (0 once its buffer is detached). */
export function lengthOf(x: ArrayBufferView): number {
  return lengthGetter.call(x) as number;
}

/** The buffer of a typed array, through the intrinsic accessor. */
export function bufferOf(x: ArrayBufferView): ArrayBufferLike {
  return bufferGetter.call(x) as ArrayBufferLike;
}

/** The byte offset of a typed array, through the intrinsic accessor. */
export function byteOffsetOf(x: ArrayBufferView): number {
  return byteOffsetGetter.call(x) as number;
}

/** The runtime's Float16Array (Node 24, Chromium 135, Firefox 129), or undefined where it has none (Node 20). */
export const Float16: (new (...args: [number] | [ArrayBufferLike, number, number]) => Float16ArrayLike) | undefined = (globalThis as { Float16Array?: never }).Float16Array;

/** Whether x is a Float16Array, by its internal type (never true where the runtime has none). */
export function isHalfArray(x: unknown): x is Float16ArrayLike {
  return typedArrayName(x) === 'Float16Array';
}

const CONSTRUCTORS = { Float32Array, Float64Array, ...(Float16 ? { Float16Array: Float16 } : {}), Int32Array, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Uint32Array, BigInt64Array, BigUint64Array } as const;

/** A plain typed array of the same type over the same memory as `x`: nothing of the caller's is reachable from it. */
export function ownView<T extends ArrayBufferView>(x: T): T {
  const name = typedArrayName(x);
  const buffer = bufferGetter.call(x) as ArrayBuffer, byteOffset = byteOffsetGetter.call(x) as number, length = lengthGetter.call(x) as number;
  // the float arrays first, without the table's lookup: they are most arguments
  if (name === 'Float32Array') return new Float32Array(buffer, byteOffset, length) as unknown as T;
  if (name === 'Float64Array') return new Float64Array(buffer, byteOffset, length) as unknown as T;
  return new (CONSTRUCTORS as unknown as Record<string, new (b: ArrayBuffer, o: number, n: number) => unknown>)[name!](buffer, byteOffset, length) as T;
}

/**
 * What the library knows of wasm memory: the memory, the buffers it had before it grew (their
 * views are detached), and which byte ranges live tensors hold. Set by the Arena that owns it.
 */
export interface WasmMemoryInfo {
  readonly memory: WebAssembly.Memory;
  /** Whether a buffer is one the memory had before it grew or was detached. */
  retired(buffer: ArrayBufferLike): boolean;
  /** Whether [ptr, ptr + bytes) lies inside one live resident tensor. */
  holds(ptr: number, bytes: number): boolean;
}

let info: WasmMemoryInfo | null = null;
/**
 * The memory's buffer as last read. Reading `memory.buffer` is a call into the engine; growth
 * detaches a plain memory's old buffer (byteLength 0), which is when it is read again. A shared
 * memory's buffers never detach (each growth gives a new, longer one), so the arena also says
 * when it grew the memory (memoryGrew).
 */
let buffer: ArrayBufferLike | null = null;

/** Called by the arena after it grew the memory: the next wasmBuffer() reads memory.buffer again. */
export function memoryGrew(): void {
  buffer = null;
}

/** The wasm memory's current buffer. */
export function wasmBuffer(): ArrayBufferLike {
  const b = buffer;
  if (b !== null && b.byteLength !== 0) return b;
  return (buffer = info!.memory.buffer);
}

/** The wasm memory's current buffer, or null before the memory exists. */
export function wasmMemoryBufferIfAny(): ArrayBufferLike | null {
  return info === null ? null : wasmBuffer();
}

export function setWasmMemoryInfo(i: WasmMemoryInfo): void {
  info = i;
  buffer = null;
}

const isShared = (b: ArrayBufferLike): boolean => typeof SharedArrayBuffer === 'function' && b instanceof SharedArrayBuffer;

/** Where a view of wasm memory passed as an argument stands: live (inside a tensor), stale, or outside. */
export function wasmViewStatus(of: ArrayBufferLike, byteOffset: number, bytes: number): 'not-wasm' | 'live' | 'detached' | 'outside' {
  if (!info) return 'not-wasm';
  // a shared memory's older buffers (threads) never detach: they are the same memory, shorter
  if (of === wasmBuffer() || (info.retired(of) && isShared(of))) return info.holds(byteOffset, bytes) ? 'live' : 'outside';
  return info.retired(of) ? 'detached' : 'not-wasm';
}

/** Whether [ptr, ptr + bytes) still lies inside a live resident tensor. */
export function wasmRangeHeld(ptr: number, bytes: number): boolean {
  return info !== null && info.holds(ptr, bytes);
}

/** A fresh view of n values at ptr in wasm memory (make it after the call's last allocation). */
export function wasmView(type: StorageDtype | 'int32', ptr: number, n: number): FloatArray | Int32Array {
  return bufferView(wasmBuffer(), type, ptr, n);
}

/** A view of n values of `type` at byte `ptr` of buffer `b` (wasm memory's, or the threads' plain memory: src/wasm/plain.ts). */
export function bufferView(b: ArrayBufferLike, type: StorageDtype | 'int32', ptr: number, n: number): FloatArray | Int32Array {
  if (type === 'float16') return new Float16!(b, ptr, n);
  return type === 'float32' ? new Float32Array(b, ptr, n) : type === 'float64' ? new Float64Array(b, ptr, n) : new Int32Array(b, ptr, n);
}
