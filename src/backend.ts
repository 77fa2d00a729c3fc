// Which implementation runs: the wasm SIMD kernels, or the float64 reference ('js').
import { Arena } from './wasm/arena';
import { loadKernels, loadKernelsAsync, kernelLoadError, type Kernels } from './wasm/instance';
import type { Backend } from './types';

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

/** The kernels and a reset arena when the wasm backend is active, else null. */
export function wasm(): { k: Kernels; arena: Arena } | null {
  if (backend() !== 'wasm-simd') return null;
  const k = loadKernels()!;
  arena ??= new Arena(k);
  arena.reset();
  return { k, arena };
}
