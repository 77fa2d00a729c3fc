// Types of calls.mjs (plain JS so that the browser page can import it without a build).
export const FUNCTIONS: string[];
export function runCalls(sl: Record<string, unknown>): { backend: string; results: Record<string, unknown> };
