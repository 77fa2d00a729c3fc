// The timing harness shared by Node (bench/node.mjs) and the browser page (bench/page.mjs).
// Plain ES, no Node or DOM APIs: performance.now() only.
//
// runCase: every contender's output is compared with the plain-JS baseline's first (simdloss
// must agree within 1e-5, or the run fails: a fast wrong answer is not a result); then the
// contenders are timed in rounds, each round timing every contender once in a rotating order so
// that drift and noise on a shared machine hit them alike. A round times enough back-to-back
// calls to last about `roundMs`; its time per call is one sample. The first `warmup` rounds are
// dropped. Reported: min, median and p75 of the samples.
import { rng, uniform } from '../test/random.mjs';

export const SIMDLOSS_TOLERANCE = 1e-5;

/** Relative error of a result against the baseline's: the loss's relative error, and the output
 * array's largest absolute error relative to its largest element (normwise: a gradient's tiny
 * entries carry no relative accuracy in float32). */
export function relativeError(got, want) {
  let err = 0;
  if (want.loss !== undefined) err = Math.abs(got.loss - want.loss) / Math.max(Math.abs(want.loss), 1e-30);
  if (want.out) {
    if (!got.out || got.out.length !== want.out.length) return Infinity;
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < want.out.length; i++) {
      scale = Math.max(scale, Math.abs(want.out[i]));
      const d = Math.abs(got.out[i] - want.out[i]);
      diff = d > diff || d !== d ? d : diff; // a NaN counts as an infinite error
    }
    err = Math.max(err, diff !== diff ? Infinity : diff / Math.max(scale, 1e-30));
  }
  return err;
}

export function quantile(sorted, q) {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { min: s[0], med: quantile(s, 0.5), p75: quantile(s, 0.75), n: s.length };
}

/** Snapshot of a contender's result (its arrays may be reused buffers the next call overwrites). */
function snapshot(r) {
  return { loss: r.loss, out: r.out ? Float64Array.from(r.out) : undefined };
}

/**
 * Checks then times one case. `c.contenders` maps a name to a zero-argument function returning
 * { loss?, out? }; the one named 'plain JS' is the baseline for the check.
 */
export async function runCase(c, { rounds = 15, warmup = 2, roundMs = 10, onContender } = {}) {
  const names = Object.keys(c.contenders);
  const want = snapshot(c.contenders['plain JS']());
  const errors = {};
  const reps = {};
  for (const name of names) {
    const got = c.contenders[name]();
    const err = relativeError(got, want);
    errors[name] = err;
    if (name.startsWith('simdloss') && !(err <= SIMDLOSS_TOLERANCE)) {
      throw new Error(`${c.name} (${c.mode}): ${name} differs from the plain-JS baseline by ${err.toExponential(2)} (allowed ${SIMDLOSS_TOLERANCE})`);
    }
    // calibrate: calls per round, doubled until they last half a round. (One call timed alone read
    // 0 or 100 µs on a page's coarse clock, so a sub-microsecond call got rounds of 0.05 ms:
    // the Chromium rows of the smallest calls read 0.)
    let n = 1;
    for (;;) {
      const t0 = performance.now();
      for (let r = 0; r < n; r++) c.contenders[name]();
      const ms = performance.now() - t0;
      if (ms >= roundMs / 2 || n >= 1 << 24) {
        reps[name] = Math.max(1, Math.round((n * roundMs) / Math.max(ms, 1e-3)));
        break;
      }
      n *= 2;
    }
    await onContender?.(name);
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + round) % names.length];
      const f = c.contenders[name];
      const n = reps[name];
      const t0 = performance.now();
      for (let r = 0; r < n; r++) f();
      const dt = (performance.now() - t0) / n;
      if (round >= warmup) samples[name].push(dt);
    }
    // let the page's event loop breathe (and a GC run outside the timed region, if it wants)
    if (round % 4 === 3) await new Promise((r) => setTimeout(r, 0));
  }
  return {
    id: c.id,
    name: c.name,
    mode: c.mode,
    family: c.family,
    elements: c.elements,
    target: c.target,
    reps,
    errors,
    stats: Object.fromEntries(names.map((n) => [n, stats(samples[n])])),
  };
}

/**
 * Before/after timing of the same work by several builds (bench/accuracy-cost.mjs,
 * bench/f64-cost.mjs): `fs` are their calls, alternated round by round so that load on the
 * machine hits them alike, each round timing as many calls as build 0 needs for `calibrateMs`.
 * Returns each build's { min, med, p75 } in ns per element.
 */
export function alternate(fs, elements, { rounds, calibrateMs }) {
  for (const f of fs) for (let i = 0; i < 3; i++) f();
  let reps = 1;
  for (let t0 = performance.now(); performance.now() - t0 < calibrateMs; reps *= 2) for (let i = 0; i < reps; i++) fs[0]();
  const samples = fs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    fs.forEach((f, j) => {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) f();
      samples[j].push(((performance.now() - t0) * 1e6) / (reps * elements));
    });
  }
  return samples.map(stats);
}

/** count float32 values in [lo, hi) from the seeded generator (test/random.mjs): the A/B scripts' inputs. */
export function randomFloats(lo, hi, count, seed) {
  return uniform(rng(seed), count, lo, hi);
}
