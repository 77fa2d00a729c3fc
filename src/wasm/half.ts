// Float16Array operands in the runtime (src/wasm/runtime.ts): a float16 call computes in float32,
// so its values are widened when staged into wasm memory and its results narrowed when copied
// out. The engine's own conversion (TypedArray.prototype.set between a Float16Array and a
// Float32Array) runs about 5 ns an element in V8 13.6, several times the loss itself; here the
// bits are copied as they are (a memcpy) and converted by the SIMD kernels of
// assembly/kernels/half.ts, in place in the staging area.
//
// The module is a chunk of its own (`lazy` in the kernel list), no part of any app's initial code:
// init() imports it where the engine has Float16Array, and so does the first call with
// Float16Array data (for an app that never awaits init()). Until the chunk has arrived (or where
// it cannot be loaded), calls convert with the engine's conversion: several times slower (a
// synchronous loop never lets that import finish), the same values. Both round to nearest even, so the results are the
// same values either way, a NaN's payload aside (test/float16.test.ts compares the kernels with
// the engine on every half, and a call before the chunk arrived with one after).
import type { Float16ArrayLike } from '../dtypes';
import type { halfKernels } from './kernels';
import { defineModule, loadModule, type WasmModule } from './instance';
import { bufferOf, byteOffsetOf, wasmBuffer } from './views';

let half: WasmModule<typeof halfKernels> | null = null;
let loading: Promise<WasmModule<typeof halfKernels> | null> | null = null;

/**
 * Imports the half module's chunk (once) and defines the module: resolves to it, or to null where
 * the chunk cannot be imported. Calls before it resolves convert with the engine's conversion.
 */
export function loadHalf(): Promise<WasmModule<typeof halfKernels> | null> {
  loading ??= import('./modules/half').then(
    (m) => (half = defineModule<typeof halfKernels>('half', m.BYTES)),
    () => null,
  );
  return loading;
}

/** Test switch (not public API): `use: false` converts with the engine, as before the chunk arrives. */
export const HALF = { use: true };

/** The compiled half kernels, or null (not loaded yet: the import is started; or not compilable). */
function kernels() {
  if (half) return HALF.use ? loadModule(half) : null;
  void loadHalf();
  return null;
}

/**
 * Stages values [from, from + n) of `src` as float32 at `ptr` (an area of n float32 values): the
 * bits go to its upper half, then are widened over the whole. False where the module is not
 * loaded yet or cannot be compiled (the caller then copies with the engine's conversion).
 */
export function widenIn(src: Float16ArrayLike, from: number, n: number, ptr: number): boolean {
  const k = kernels();
  if (!k) return false;
  const bits = ptr + 2 * n;
  new Uint16Array(wasmBuffer(), bits, n).set(new Uint16Array(bufferOf(src), byteOffsetOf(src) + 2 * from, n));
  k.f16_to_f32(n, bits, ptr);
  return true;
}

/**
 * Copies n float32 values at `ptr` into `dst` from index `at`, each rounded to float16 (to nearest
 * even); the staging area at ptr is overwritten. False where the module is not loaded yet or cannot
 * be compiled.
 */
export function narrowOut(ptr: number, n: number, dst: Float16ArrayLike, at: number): boolean {
  const k = kernels();
  if (!k) return false;
  k.f32_to_f16(n, ptr, ptr);
  new Uint16Array(bufferOf(dst), byteOffsetOf(dst) + 2 * at, n).set(new Uint16Array(wasmBuffer(), ptr, n));
  return true;
}
