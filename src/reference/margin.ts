// float64 reference of hinge_embedding_loss, soft_margin_loss and margin_ranking_loss
// (docs/semantics.md §8), elementwise (broadcasts already materialized).
// grads[i] are the gradients of Σ gradScale·gradRow·ℓ with respect to the differentiated operands.

export interface MarginParts {
  elementLoss: Float64Array;
  total: number;
  grads: Float64Array[];
}

function parts(n: number, nGrads: number, wantGrad: boolean): MarginParts {
  return { elementLoss: new Float64Array(n), total: 0, grads: wantGrad ? Array.from({ length: nGrads }, () => new Float64Array(n)) : [] };
}

/** ℓ = [t ≠ 1]·max(0, margin - x) + [t ≠ -1]·x. */
export function hingeEmbeddingReference(x: ArrayLike<number>, t: ArrayLike<number>, margin: number, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): MarginParts {
  const r = parts(x.length, 1, wantGrad);
  for (let i = 0; i < x.length; i++) {
    const gap = margin - x[i];
    const loss = (t[i] !== 1 ? (gap > 0 || Number.isNaN(gap) ? gap : 0) : 0) + (t[i] !== -1 ? x[i] : 0);
    r.elementLoss[i] = loss;
    r.total += loss;
    if (wantGrad) r.grads[0][i] = ((t[i] !== -1 ? 1 : 0) - (t[i] !== 1 && gap >= 0 ? 1 : 0)) * gradScale * (gradRow ? gradRow[i] : 1);
  }
  return r;
}

/** ℓ = log(1 + e^(-t·x)), evaluated stably; dℓ/dx = -t·σ(-t·x). */
export function softMarginReference(x: ArrayLike<number>, t: ArrayLike<number>, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): MarginParts {
  const r = parts(x.length, 1, wantGrad);
  for (let i = 0; i < x.length; i++) {
    const z = -t[i] * x[i];
    const loss = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    r.elementLoss[i] = loss;
    r.total += loss;
    if (wantGrad) r.grads[0][i] = (-t[i] / (1 + Math.exp(-z))) * gradScale * (gradRow ? gradRow[i] : 1);
  }
  return r;
}

/** ℓ = max(0, -y·(x1 - x2) + margin); the gradient passes where that is ≥ 0. */
export function marginRankingReference(x1: ArrayLike<number>, x2: ArrayLike<number>, y: ArrayLike<number>, margin: number, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): MarginParts {
  const r = parts(x1.length, 3, wantGrad);
  for (let i = 0; i < x1.length; i++) {
    const d = x1[i] - x2[i];
    const z = -y[i] * d + margin;
    const loss = z > 0 || Number.isNaN(z) ? z : 0;
    r.elementLoss[i] = loss;
    r.total += loss;
    if (wantGrad && z >= 0) {
      const k = gradScale * (gradRow ? gradRow[i] : 1);
      r.grads[0][i] = -y[i] * k;
      r.grads[1][i] = y[i] * k;
      r.grads[2][i] = -d * k;
    }
  }
  return r;
}
