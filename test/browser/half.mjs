// float16 helpers shared by test/float16.test.ts and the browser page float16-page.mjs (here, where
// the browser tests' server serves it).

/** One float16 ulp at |x|: 2^(e-10) for a normal x, 2^-24 below 2^-14. */
export function ulp16(x) {
  const a = Math.abs(x);
  if (!Number.isFinite(a)) return Infinity;
  if (a < 2 ** -14) return 2 ** -24;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return 2 ** (e - 10);
}
