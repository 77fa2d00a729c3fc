// Kornia's PSNR and SSIM losses (docs/semantics.md §16). T = f32 | f64.
// sq_diff: Σ (x - y)² over n values (PSNR's MSE), through the shared elementwise loop; with gx
// given it writes dx = scale·(x - y) and dy = -dx: PSNR's gradient is a multiple of x - y that the
// TypeScript side knows only once the sum is known, so it runs this kernel twice.
import { elementwise_sum } from '../simd/elementwise';

class SqDiff {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, y: usize, _c: usize, _d: usize, gx: usize, gy: usize, _g3: usize, _gradRow: usize, off: usize, vk: v128, _p: v128, _q: v128): v128 {
    const d = v128.sub<T>(v128.load(x + off), v128.load(y + off));
    if (gx) {
      const g = v128.mul<T>(vk, d);
      v128.store(gx + off, g);
      if (gy) v128.store(gy + off, v128.neg<T>(g));
    }
    return v128.mul<T>(d, d);
  }
}

export function sq_diff<T>(n: i32, x: usize, y: usize, gx: usize, gy: usize, scale: f64): f64 {
  return elementwise_sum<T, SqDiff>(n, x, y, 0, 0, 0, gx, gy, 0, 0, 0, scale);
}
