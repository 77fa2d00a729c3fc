// Types of calls.mjs (plain JS so that the browser page can import it without a build).
export const FUNCTIONS: string[];
export function runCalls(sl: Record<string, unknown>): { backend: string; results: Record<string, unknown> };
/** The argument lists each function is called with, for one dtype. */
export function makeCalls(sl: Record<string, unknown>, dtype: 'float32' | 'float64'): Record<string, unknown[][]>;
/** A result as plain JSON (NaN and ±Infinity as strings). */
export function encode(v: unknown): unknown;
