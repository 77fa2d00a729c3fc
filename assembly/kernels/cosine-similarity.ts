// cosine_similarity over contiguous rows (rows, D) of a and b (the TypeScript side moves `dim`
// last and materializes broadcasts), forward and backward fused. T = f32 | f64.
// PyTorch ≥ 1.12: each norm is clamped separately, N = max(||v||, eps), and the clamped norms are
// used in the gradient too. Pointers ga, gb (gradients) and gradRow (upstream per row) may be 0.
// With addEps, the norms are sqrt(Σa² + eps) as in cosine_embedding_loss; the gradient has the same form.
// The kernel list instantiates f64 only: float32 arguments are computed in float64 (docs/accuracy.md).
import { hsum, lanes } from '../simd/math';
import { BLOCK } from '../simd/reduce';

export function cosine_similarity<T>(rows: i32, D: i32, a: usize, b: usize, out: usize, ga: usize, gb: usize, gradRow: usize, eps: f64, addEps: bool): void {
  const L = lanes<T>();
  const bytes = <usize>sizeof<T>();
  const rowBytes = <usize>D * bytes;
  const dL = D - D % L;
  for (let r = 0; r < rows; r++) {
    const ar = a + <usize>r * rowBytes;
    const br = b + <usize>r * rowBytes;
    // Σa², Σb², Σab: three independent accumulators, promoted to f64 per block.
    let saa: f64 = 0, sbb: f64 = 0, sab: f64 = 0;
    let i = 0;
    while (i < dL) {
      let vaa = v128.splat<T>(<T>0), vbb = vaa, vab = vaa;
      const stop = min(i + BLOCK, dL);
      for (; i < stop; i += L) {
        const off = <usize>i * bytes;
        const va = v128.load(ar + off);
        const vb = v128.load(br + off);
        vaa = v128.add<T>(vaa, v128.mul<T>(va, va));
        vbb = v128.add<T>(vbb, v128.mul<T>(vb, vb));
        vab = v128.add<T>(vab, v128.mul<T>(va, vb));
      }
      saa += hsum<T>(vaa);
      sbb += hsum<T>(vbb);
      sab += hsum<T>(vab);
    }
    for (; i < D; i++) {
      const off = <usize>i * bytes;
      const x = <f64>load<T>(ar + off), y = <f64>load<T>(br + off);
      saa += x * x;
      sbb += y * y;
      sab += x * y;
    }
    // cosine_embedding_loss's norms are sqrt(Σa² + eps) (its EPSILON = 1e-12), not max(‖a‖, eps)
    const n1 = addEps ? Math.sqrt(saa + eps) : max(Math.sqrt(saa), eps);
    const n2 = addEps ? Math.sqrt(sbb + eps) : max(Math.sqrt(sbb), eps);
    const c = sab / (n1 * n2);
    store<T>(out + <usize>r * bytes, <T>c);
    if (!ga) continue;
    // ∂c/∂a = b/(N1·N2) - c·a/N1², ∂c/∂b = a/(N1·N2) - c·b/N2², times the row's upstream gradient.
    const g = gradRow ? <f64>load<T>(gradRow + <usize>r * bytes) : 1.0;
    const vk = v128.splat<T>(<T>(g / (n1 * n2)));
    const vca = v128.splat<T>(<T>(g * c / (n1 * n1)));
    const vcb = v128.splat<T>(<T>(g * c / (n2 * n2)));
    const gar = ga + <usize>r * rowBytes;
    const gbr = gb + <usize>r * rowBytes;
    i = 0;
    for (; i < dL; i += L) {
      const off = <usize>i * bytes;
      const va = v128.load(ar + off);
      const vb = v128.load(br + off);
      v128.store(gar + off, v128.sub<T>(v128.mul<T>(vb, vk), v128.mul<T>(va, vca)));
      v128.store(gbr + off, v128.sub<T>(v128.mul<T>(va, vk), v128.mul<T>(vb, vcb)));
    }
    const k = v128.extract_lane<T>(vk, 0), ca = v128.extract_lane<T>(vca, 0), cb = v128.extract_lane<T>(vcb, 0);
    for (; i < D; i++) {
      const off = <usize>i * bytes;
      const x = load<T>(ar + off), y = load<T>(br + off);
      store<T>(gar + off, y * k - x * ca);
      store<T>(gbr + off, x * k - y * cb);
    }
  }
}
