// Float16Array operands in the runtime (src/wasm/runtime.ts): a float16 call computes in float32,
// so its values are widened when staged into wasm memory and its results narrowed when copied
// out. The engine's own conversion (TypedArray.prototype.set between a Float16Array and a
// Float32Array) runs about 5 ns an element in V8 13.6, several times the loss itself; here the
// bits are copied as they are (a memcpy) and converted by the SIMD kernels of
// assembly/kernels/half.ts, in place in the staging area.
import type { Float16ArrayLike } from '../dtypes';
import { loadModule } from './instance';
import { halfModule } from './modules/half';
import { bufferOf, byteOffsetOf, wasmBuffer } from './views';

/**
 * Stages values [from, from + n) of `src` as float32 at `ptr` (an area of n float32 values): the
 * bits go to its upper half, then are widened over the whole. False where the module cannot be
 * compiled (the caller then copies with the engine's conversion).
 */
export function widenIn(src: Float16ArrayLike, from: number, n: number, ptr: number): boolean {
  const k = loadModule(halfModule);
  if (!k) return false;
  const bits = ptr + 2 * n;
  new Uint16Array(wasmBuffer(), bits, n).set(new Uint16Array(bufferOf(src), byteOffsetOf(src) + 2 * from, n));
  k.f16_to_f32(n, bits, ptr);
  return true;
}

/**
 * Copies n float32 values at `ptr` into `dst` from index `at`, each rounded to float16 (to nearest
 * even); the staging area at ptr is overwritten. False where the module cannot be compiled.
 */
export function narrowOut(ptr: number, n: number, dst: Float16ArrayLike, at: number): boolean {
  const k = loadModule(halfModule);
  if (!k) return false;
  k.f32_to_f16(n, ptr, ptr);
  new Uint16Array(bufferOf(dst), byteOffsetOf(dst) + 2 * at, n).set(new Uint16Array(wasmBuffer(), ptr, n));
  return true;
}
