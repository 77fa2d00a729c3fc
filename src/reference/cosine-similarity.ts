// float64 reference of cosine_similarity (docs/semantics.md §6.1) over contiguous rows (rows, D).
// Each norm is clamped separately at eps, and the clamped norms are used in the gradient too.
// addEps: cosine_embedding_loss's norms sqrt(Σa² + eps) instead (§6.2); the gradient has the same form.

export interface CosineParts {
  out: Float64Array;
  ga: Float64Array | null;
  gb: Float64Array | null;
}

export function cosineSimilarityReference(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, D: number, eps: number, addEps: boolean,
  gradRow: ArrayLike<number> | null): CosineParts {
  const out = new Float64Array(rows);
  const ga = gradRow ? new Float64Array(rows * D) : null;
  const gb = gradRow ? new Float64Array(rows * D) : null;
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let aa = 0, bb = 0, ab = 0;
    for (let i = 0; i < D; i++) {
      aa += a[o + i] * a[o + i];
      bb += b[o + i] * b[o + i];
      ab += a[o + i] * b[o + i];
    }
    const n1 = addEps ? Math.sqrt(aa + eps) : Math.max(Math.sqrt(aa), eps);
    const n2 = addEps ? Math.sqrt(bb + eps) : Math.max(Math.sqrt(bb), eps);
    const c = ab / (n1 * n2);
    out[r] = c;
    if (ga && gb && gradRow) {
      const g = gradRow[r];
      for (let i = 0; i < D; i++) {
        ga[o + i] = g * (b[o + i] / (n1 * n2) - (c * a[o + i]) / (n1 * n1));
        gb[o + i] = g * (a[o + i] / (n1 * n2) - (c * b[o + i]) / (n2 * n2));
      }
    }
  }
  return { out, ga, gb };
}
