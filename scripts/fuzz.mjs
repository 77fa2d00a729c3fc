// npm run fuzz -- --cases N --seed S: the differential fuzzer (test/fuzz/fuzz.mjs) at scale,
// against the built package. Exits 1 on any mismatch, printing how to replay it.
import * as lib from '../dist/index.js';
import { runFuzz } from '../test/fuzz/fuzz.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const cases = arg('cases', 100000);
const seed = arg('seed', 1);
const from = arg('from', 0);
const trace = process.argv.includes('--trace');
const start = performance.now();
const r = runFuzz(lib, {
  cases, seed, from,
  onStart: trace ? (i) => process.stderr.write(`${i}\n`) : undefined,
  onProgress: (n, bad) => process.stdout.write(`\r${n} cases, ${bad} mismatches, ${((performance.now() - start) / 1000).toFixed(0)} s`),
});
process.stdout.write('\n');
for (const m of r.mismatches.slice(0, 20)) console.log(JSON.stringify(m));
console.log(`fuzz: ${r.cases} cases from seed ${seed}, ${r.mismatches.length} mismatches, ${((performance.now() - start) / 1000).toFixed(1)} s`);
process.exit(r.mismatches.length ? 1 : 0);
