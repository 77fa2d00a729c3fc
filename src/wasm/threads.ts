// Threads (init({ threads })): the chunk backend.ts imports, which starts the pool (src/wasm/pool.ts)
// and installs the parallel runtime (src/wasm/parallel.ts) while it runs.
import type { Arena } from './arena';
import { runParallel } from './parallel';
import { poolThreads, startPool } from './pool';
import { host, setHost, type ThreadsHost } from './threads-host';

export { shareMemory, stopPool, threadsUnavailableReason } from './pool';
export type { ThreadsHost };

/** Hands the chunk the main code's parts it uses (src/wasm/threads-host.ts): init() calls it first. */
export function connect(h: ThreadsHost): void {
  setHost(h);
}

/** Starts `threads - 1` workers and routes run()'s replayable calls through the parallel path. */
export async function startThreads(threads: number, arena: Arena, memory: WebAssembly.Memory): Promise<void> {
  await startPool(threads, arena, memory);
  host.setParallel({ run: runParallel, threads: poolThreads });
}
