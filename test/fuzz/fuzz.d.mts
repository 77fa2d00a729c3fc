// Types of fuzz.mjs for the TypeScript tests.
export interface Mismatch { seed: number; index: number; name: string; dtype: string; chunked: boolean; resident: boolean; gradInto: boolean; residentArgs: number[]; rawView: boolean; hooks: boolean; polluted: string | null; growth: boolean; problem: string }
export const FUZZED: string[];
export function runFuzz(lib: object, options?: { cases?: number; seed?: number; from?: number; onProgress?: (n: number, bad: number) => void; onCase?: (c: unknown) => void; onStart?: (i: number) => void; growth?: (on: boolean) => void }): { cases: number; mismatches: Mismatch[] };
