// Which implementation runs: the wasm SIMD kernels, or the float64 reference ('js').
import { Arena } from './wasm/arena';
import { loadKernels, loadKernelsAsync, kernelLoadError, type Kernels } from './wasm/instance';
import { WasmTensor } from './wasm/resident';
import type { Backend, Dtype } from './types';

let forced: Backend | null = null;
let arena: Arena | null = null;

/** The backend calls run on: 'wasm-simd' where WebAssembly SIMD works, else 'js'. */
export function backend(): Backend {
  if (forced) return forced;
  return loadKernels() ? 'wasm-simd' : 'js';
}

/** Forces a backend (tests, debugging). 'wasm-simd' throws where it cannot run. */
export function setBackend(name: Backend): void {
  if (name !== 'wasm-simd' && name !== 'js') {
    throw new RangeError(`setBackend: the backend must be 'wasm-simd' or 'js'; got ${JSON.stringify(name)}`);
  }
  if (name === 'wasm-simd' && !loadKernels()) {
    throw new Error(`setBackend: WebAssembly SIMD is not available here (${String(kernelLoadError())})`);
  }
  forced = name;
}

/** Compiles the kernels asynchronously. Optional: the first call otherwise compiles synchronously. */
export async function init(): Promise<Backend> {
  await loadKernelsAsync();
  return backend();
}

/** The kernels and an arena reset for a call of `fn` when the wasm backend is active, else null. */
export function wasm(fn: string): { k: Kernels; arena: Arena } | null {
  if (backend() !== 'wasm-simd') return null;
  const k = loadKernels()!;
  arena ??= new Arena(k);
  arena.reset(fn);
  return { k, arena };
}

function wasmArena(fn: string): Arena {
  const k = loadKernels();
  if (!k) throw new Error(`${fn}: WebAssembly SIMD is not available here (${String(kernelLoadError())})`);
  arena ??= new Arena(k);
  return arena;
}

/**
 * A tensor allocated in wasm memory: losses read it without copying. Fill it through `.data`.
 * Free it with `.free()` when done. Needs the wasm-simd backend to be available.
 */
/** The module memory's buffer, once the module exists (views of it detach when it grows). */
export function wasmMemoryBuffer(): ArrayBufferLike | null {
  return arena ? arena.memory.buffer : null;
}

export function allocTensor(dtype: Dtype, shape: readonly number[]): WasmTensor {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new RangeError(`allocTensor: dtype must be 'float32' or 'float64'; got ${JSON.stringify(dtype)}`);
  }
  return new WasmTensor(wasmArena('allocTensor'), dtype, shape);
}

/** Caps the kernel module's memory (default 64 MiB); larger inputs are processed in chunks. */
export function setMemoryLimit(bytes: number): void {
  wasmArena('setMemoryLimit').setLimit(bytes);
}

/** The cap on wasm memory, in bytes. */
export function getMemoryLimit(): number {
  return wasmArena('getMemoryLimit').getLimit();
}

/** Bytes of wasm memory the module holds now (it never shrinks). */
export function memoryUsage(): number {
  return wasmArena('memoryUsage').memory.buffer.byteLength;
}
