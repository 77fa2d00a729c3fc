// The one seeded generator of the tests, the fuzzer, the bench and the site (mulberry32): a case
// is replayed from its seed. Plain JS so that vitest, the browser pages, the bench scripts and the
// site's bundle all import it.

/** mulberry32: uniform numbers in [0, 1) from a 32-bit seed. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` numbers in [lo, hi) from `random`, in an array of type `Arr` (Float32Array rounds them). */
export function uniform(random, n, lo, hi, Arr = Float32Array) {
  const a = new Arr(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * random();
  return a;
}
