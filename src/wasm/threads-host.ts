// What the threads' chunk (src/wasm/threads.ts and the files it imports: pool.ts, parallel.ts,
// shared-module.ts) uses of the main code, handed to it by init() (src/backend.ts) when it loads
// the chunk. The chunk imports nothing of the main code itself: a bundler then has nothing to
// split out of an app's initial code into a chunk the two share, and nothing the chunk alone uses
// is kept in an app that never calls init({ threads }) (1.2 KB of the crossEntropy-only app,
// test/bundle-size.test.ts). Types only here: this file is part of the chunk.
import type { newFloat } from '../shapes';
import type { setKernelWrapper } from './kernels';
import type { compiledModules, makeMemoryShared, setCompiledHook, SHARED_MAX_PAGES } from './instance';
import type { PLAIN, plainPages, setPlainMemory } from './plain';
import type { WasmTensor } from './resident';
import type { arrayOf, BLOCK_BYTES, isInt32, lengthOfValues, setParallel, tuning } from './runtime';
import type { wasmBuffer, wasmView } from './views';

export interface ThreadsHost {
  readonly newFloat: typeof newFloat;
  readonly setKernelWrapper: typeof setKernelWrapper;
  readonly compiledModules: typeof compiledModules;
  readonly makeMemoryShared: typeof makeMemoryShared;
  readonly setCompiledHook: typeof setCompiledHook;
  readonly SHARED_MAX_PAGES: typeof SHARED_MAX_PAGES;
  readonly PLAIN: typeof PLAIN;
  readonly plainPages: typeof plainPages;
  readonly setPlainMemory: typeof setPlainMemory;
  readonly WasmTensor: typeof WasmTensor;
  readonly arrayOf: typeof arrayOf;
  readonly BLOCK_BYTES: typeof BLOCK_BYTES;
  readonly isInt32: typeof isInt32;
  readonly lengthOfValues: typeof lengthOfValues;
  readonly setParallel: typeof setParallel;
  readonly tuning: typeof tuning;
  readonly wasmBuffer: typeof wasmBuffer;
  readonly wasmView: typeof wasmView;
}

/** The main code's parts, once init() has connected the chunk (threads.ts's connect). */
export let host: ThreadsHost = null as unknown as ThreadsHost;

export function setHost(h: ThreadsHost): void {
  host = h;
}
