// Types of random.mjs (plain JS: vitest, the browser pages, the bench and the site import it).
export function rng(seed: number): () => number;
export function uniform<A extends Float32Array | Float64Array = Float32Array>(random: () => number, n: number, lo: number, hi: number, Arr?: { new (n: number): A }): A;
