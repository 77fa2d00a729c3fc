// float64 reference of the Dice family's per-element work (docs/semantics.md §17), the same parts
// as assembly/kernels/dice.ts: over B items of C channels × S elements, the activation and the
// per-channel sums; then, from per-channel coefficients, the per-element gradients. The per-class
// formulas (Dice, generalized Dice, Tversky) are in src/losses/dice.ts, shared by both backends.

/** 0: none, 1: sigmoid, 2: softmax over the channels. */
export type DiceActivation = 0 | 1 | 2;

/** The target: a float tensor of the input's layout, or S class labels per item (one-hot). */
export interface DiceTarget {
  t: ArrayLike<number> | null;
  labels: Int32Array | null;
}

const gAt = (g: DiceTarget, C: number, S: number, b: number, c: number, s: number): number =>
  g.t ? g.t[(b * C + c) * S + s] : g.labels![b * S + s] === c ? 1 : 0;

/** p = act(x) (x itself for none), and per (b, c) the sums (Σ p·g, Σ p or Σ p², Σ g or Σ g²). */
export function diceForwardReference(x: ArrayLike<number>, g: DiceTarget, B: number, C: number, S: number, act: DiceActivation, squared: boolean): { p: ArrayLike<number>; sums: Float64Array } {
  let p: ArrayLike<number> = x;
  if (act !== 0) {
    const q = new Float64Array(B * C * S);
    for (let b = 0; b < B; b++) {
      for (let s = 0; s < S; s++) {
        const at = (c: number) => (b * C + c) * S + s;
        if (act === 1) {
          for (let c = 0; c < C; c++) q[at(c)] = 1 / (1 + Math.exp(-x[at(c)]));
          continue;
        }
        let m = -Infinity;
        for (let c = 0; c < C; c++) m = Math.max(m, x[at(c)]);
        let sum = 0;
        for (let c = 0; c < C; c++) sum += Math.exp(x[at(c)] - m);
        for (let c = 0; c < C; c++) q[at(c)] = Math.exp(x[at(c)] - m) / sum;
      }
    }
    p = q;
  }
  const sums = new Float64Array(B * C * 3);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      let si = 0, sp = 0, sg = 0;
      for (let s = 0; s < S; s++) {
        const pv = p[(b * C + c) * S + s];
        const gv = gAt(g, C, S, b, c, s);
        si += pv * gv;
        sp += squared ? pv * pv : pv;
        sg += squared ? gv * gv : gv;
      }
      sums.set([si, sp, sg], (b * C + c) * 3);
    }
  }
  return { p, sums };
}

/**
 * From coef (kI, kP, kG) per (b, c): dx = act'(kI·g + kP·(1 or 2p)) and, when wantTarget,
 * dt = kI·p + kG·(1 or 2g).
 */
export function diceBackwardReference(p: ArrayLike<number>, g: DiceTarget, coef: ArrayLike<number>, B: number, C: number, S: number, act: DiceActivation, squared: boolean,
  wantTarget: boolean): { dx: Float64Array; dt: Float64Array | null } {
  const dx = new Float64Array(B * C * S);
  const dt = wantTarget ? new Float64Array(B * C * S) : null;
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const [kI, kP, kG] = [coef[(b * C + c) * 3], coef[(b * C + c) * 3 + 1], coef[(b * C + c) * 3 + 2]];
      for (let s = 0; s < S; s++) {
        const i = (b * C + c) * S + s;
        const pv = p[i];
        const gv = gAt(g, C, S, b, c, s);
        const dp = kI * gv + (squared ? 2 * kP * pv : kP);
        dx[i] = act === 1 ? dp * pv * (1 - pv) : dp;
        if (dt) dt[i] = kI * pv + (squared ? 2 * kG * gv : kG);
      }
    }
    if (act !== 2) continue;
    for (let s = 0; s < S; s++) {
      let acc = 0;
      for (let c = 0; c < C; c++) acc += p[(b * C + c) * S + s] * dx[(b * C + c) * S + s];
      for (let c = 0; c < C; c++) {
        const i = (b * C + c) * S + s;
        dx[i] = p[i] * (dx[i] - acc);
      }
    }
  }
  return { dx, dt };
}
