/** One float16 ulp at |x|: 2^(e-10) for a normal x, 2^-24 below 2^-14. */
export function ulp16(x: number): number;
