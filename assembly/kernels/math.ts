// The vector exp and log over arrays (n a multiple of the lane count), for the accuracy tests
// (test/simd-math.test.ts): no loss uses this module.
import { vexp, vlog, lanes } from '../simd/math';

export function exp<T>(n: i32, x: usize, out: usize): void {
  for (let i = 0; i < n; i += lanes<T>()) {
    const off = <usize>i * sizeof<T>();
    v128.store(out + off, vexp<T>(v128.load(x + off)));
  }
}

export function log<T>(n: i32, x: usize, out: usize): void {
  for (let i = 0; i < n; i += lanes<T>()) {
    const off = <usize>i * sizeof<T>();
    v128.store(out + off, vlog<T>(v128.load(x + off)));
  }
}
