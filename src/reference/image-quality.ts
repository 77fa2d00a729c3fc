// float64 references of Kornia 0.7.4's PSNR and SSIM losses (kornia/losses/psnr.py,
// kornia/metrics/psnr.py, kornia/losses/ssim.py, kornia/metrics/ssim.py, kornia/filters/filter.py;
// docs/semantics.md §16). The oracle for the kernels and the 'js' backend.

/** Σ (x - y)² and, when wanted, scale·(x - y) and its negation (PSNR's gradients). */
export function sqDiffReference(x: ArrayLike<number>, y: ArrayLike<number>, wantGrad: boolean, scale: number): { total: number; grads: Float64Array[] } {
  const n = x.length;
  let total = 0;
  const gx = wantGrad ? new Float64Array(n) : null;
  const gy = wantGrad ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i];
    total += d * d;
    if (gx) {
      gx[i] = scale * d;
      gy![i] = -gx[i];
    }
  }
  return { total, grads: gx ? [gx, gy!] : [] };
}

/** Kornia's gaussian(window_size, 1.5) (kornia/filters/kernels.py): e^(-x²/(2σ²)) normalized, x = i - ⌊k/2⌋. */
export function gaussianWindow(k: number, sigma = 1.5): Float64Array {
  const g = new Float64Array(k);
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const x = i - Math.floor(k / 2);
    g[i] = Math.exp(-(x * x) / (2 * sigma * sigma));
    sum += g[i];
  }
  for (let i = 0; i < k; i++) g[i] /= sum;
  return g;
}

/** Reflect (PyTorch's 'reflect' pad: the edge not repeated) of q into [0, n). */
function reflect(q: number, n: number): number {
  return q < 0 ? -q : q >= n ? 2 * (n - 1) - q : q;
}

/**
 * One pass of filter2d's 'same' correlation with `w` along W (axis 1) or H (axis 0) of `planes`
 * (H, W) planes, reflect-padded by ⌊k/2⌋; `adjoint`: its transpose (what the gradient goes through).
 */
export function filterPass(src: ArrayLike<number>, planes: number, H: number, W: number, w: ArrayLike<number>, axis: 0 | 1, adjoint: boolean): Float64Array {
  const dst = new Float64Array(planes * H * W);
  const k = w.length;
  const p = (k - 1) >> 1;
  const n = axis === 1 ? W : H;
  const step = axis === 1 ? 1 : W;
  for (let b = 0; b < planes; b++) {
    for (let o = 0; o < (axis === 1 ? H : W); o++) {
      const base = b * H * W + (axis === 1 ? o * W : o);
      for (let i = 0; i < n; i++) {
        if (!adjoint) {
          let s = 0;
          for (let j = 0; j < k; j++) s += w[j] * src[base + reflect(i + j - p, n) * step];
          dst[base + i * step] = s;
        } else {
          const g = src[base + i * step];
          for (let j = 0; j < k; j++) dst[base + reflect(i + j - p, n) * step] += w[j] * g;
        }
      }
    }
  }
  return dst;
}

export interface SsimProblem {
  /** B·C planes of H × W. */
  planes: number;
  H: number;
  W: number;
  img1: ArrayLike<number>;
  img2: ArrayLike<number>;
  window: ArrayLike<number>;
  maxVal: number;
  eps: number;
  /** 'valid' crops ⌊k/2⌋ from each side of every map (the maps are filtered 'same' first). */
  valid: boolean;
}

/** The SSIM map's plane size: (H, W), or (H - 2p, W - 2p) for 'valid'. */
export function ssimOutSize(p: Pick<SsimProblem, 'H' | 'W' | 'valid'>, k: number): [number, number] {
  const c = p.valid ? k - 1 : 0;
  return [p.H - c, p.W - c];
}

/**
 * loss = clamp((1 - ssim)/2, 0, 1) per output pixel, ssim = num/(den + eps) as kornia.metrics.ssim;
 * grads = d(Σ gradScale·gradRow·loss)/d(img1, img2), through the filters' transposes.
 */
export function ssimReference(p: SsimProblem, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): { elementLoss: Float64Array; total: number; grads: Float64Array[] } {
  const { planes, H, W, img1: x, img2: y, window: w, maxVal, eps, valid } = p;
  const n = planes * H * W;
  const k = w.length;
  const crop = valid ? (k - 1) >> 1 : 0;
  const [Ho, Wo] = ssimOutSize(p, k);
  const filter = (v: ArrayLike<number>) => filterPass(filterPass(v, planes, H, W, w, 1, false), planes, H, W, w, 0, false);
  const filterT = (v: ArrayLike<number>) => filterPass(filterPass(v, planes, H, W, w, 0, true), planes, H, W, w, 1, true);
  const xx = new Float64Array(n), yy = new Float64Array(n), xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const mu1 = filter(x), mu2 = filter(y), e11 = filter(xx), e22 = filter(yy), e12 = filter(xy);
  const C1 = (0.01 * maxVal) ** 2;
  const C2 = (0.03 * maxVal) ** 2;
  const elementLoss = new Float64Array(planes * Ho * Wo);
  const G = wantGrad ? [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)] : null; // m1, m2, e11 (= e22), e12
  let total = 0;
  for (let b = 0; b < planes; b++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const at = b * H * W + (i + crop) * W + (j + crop);
        const o = (b * Ho + i) * Wo + j;
        const m1 = mu1[at], m2 = mu2[at];
        const m12 = m1 * m2;
        const s1 = e11[at] - m1 * m1, s2 = e22[at] - m2 * m2, s12 = e12[at] - m12;
        const A1 = 2 * m12 + C1, A2 = 2 * s12 + C2;
        const B1 = m1 * m1 + m2 * m2 + C1, B2 = s1 + s2 + C2;
        const D = B1 * B2 + eps;
        const s = (A1 * A2) / D;
        const v = (1 - s) / 2;
        const loss = Math.min(Math.max(v, 0), 1); // NaN stays NaN (torch.clamp)
        elementLoss[o] = Number.isNaN(v) ? NaN : loss;
        total += elementLoss[o];
        if (G) {
          // clamp passes the gradient where min <= v <= max (PyTorch's clamp_backward)
          const gs = v >= 0 && v <= 1 ? -0.5 * gradScale * (gradRow ? gradRow[o] : 1) : 0;
          const dA1 = (gs * A2) / D, dA2 = (gs * A1) / D;
          const dB1 = (-gs * s * B2) / D, dB2 = (-gs * s * B1) / D;
          G[0][at] = 2 * m2 * (dA1 - dA2) + 2 * m1 * (dB1 - dB2);
          G[1][at] = 2 * m1 * (dA1 - dA2) + 2 * m2 * (dB1 - dB2);
          G[2][at] = dB2;
          G[3][at] = 2 * dA2;
        }
      }
    }
  }
  if (!G) return { elementLoss, total, grads: [] };
  const [t1, t2, te, t12] = G.map(filterT);
  const g1 = new Float64Array(n), g2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    g1[i] = t1[i] + 2 * x[i] * te[i] + y[i] * t12[i];
    g2[i] = t2[i] + 2 * y[i] * te[i] + x[i] * t12[i];
  }
  return { elementLoss, total, grads: [g1, g2] };
}
