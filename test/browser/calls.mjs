// The calls the browser test makes, in the page and in Node alike: every public function,
// forward and WithGrad, Float32Array and Float64Array, each sample call of the catalogue
// (test/catalog.mjs). Returns plain JSON-able values (NaN and ±Infinity as strings) so the page can
// hand them back.
import { FUNCTIONS, makeCalls } from '../catalog.mjs';

export { FUNCTIONS, makeCalls };

export function encode(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (v && v.data) return { shape: Array.from(v.shape), data: Array.from(v.data, encode) };
  return v;
}

export function runCalls(sl) {
  const out = { backend: sl.backend(), results: {} };
  for (const dtype of ['float32', 'float64']) {
    const calls = makeCalls(sl, dtype);
    for (const name of FUNCTIONS) {
      calls[name].forEach((args, i) => {
        out.results[`${dtype} ${name} #${i}`] = encode(sl[name](...args));
        const g = sl[`${name}WithGrad`](...args);
        out.results[`${dtype} ${name}WithGrad #${i}`] = { loss: encode(g.loss), grads: g.grads.map(encode) };
      });
    }
  }
  return out;
}
