// README's performance tables from the last bench run (bench/results.json): `node
// scripts/readme-tables.mjs` prints the ratio tables (× plain JS and × TF.js wasm, with their
// spread), the fixed cost of small calls and the small-size ratios, to paste into README.md's
// "Performance" section, so that every number there is the run's.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8'));
const runs = data.runs;
const x = (r) => `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
/** The ratio of medians of `other` over simdloss, with the spread (min over min – p75 over p75). */
const ratio = (c, other) => {
  const s = c.stats.simdloss, o = c.stats[other];
  return o ? `${x(o.med / s.med)} (${x(o.min / s.min)}–${x(o.p75 / s.p75)})` : '–';
};
const key = (c) => `${c.name}${c.mode === 'reused' ? ', reused' : c.mode === 'fresh' && /WithGrad|softmax/.test(c.name) ? ', fresh' : ''}`;
const small = (c) => /^(crossEntropy|crossEntropyWithGrad|softmax) (1×10|32×10|256×100)$|^(mseLoss|binaryCrossEntropyWithLogitsWithGrad) (16|256|1024|65536)$/.test(c.name);
const cases = runs[0].results;
const find = (run, c) => run.results.find((d) => d.id === c.id);
const table = (head, rows, other) => {
  const lines = [`| case | ${head}: ${runs.map((r) => r.label).join(' | ')} |`, `|---|${runs.map(() => '---:').join('|')}|`];
  for (const c of rows) {
    if (!c.stats[other]) continue;
    lines.push(`| ${key(c)} | ${runs.map((r) => { const d = find(r, c); return d ? ratio(d, other) : '–'; }).join(' | ')} |`);
  }
  return lines.join('\n');
};
console.log(`Bench run ${data.date}: ${runs.map((r) => `${r.label} load ${r.load ? r.load.map((l) => l.toFixed(1)).join('–') : '?'}`).join(', ')}\n`);
console.log(table('× plain JS', cases.filter((c) => !small(c)), 'plain JS'), '\n');
console.log(table('× TF.js wasm', cases.filter((c) => !small(c)), 'TF.js wasm'), '\n');
const us = (ms) => `${(ms * 1000).toFixed(2)} µs`;
const fixed = [['mseLoss 16', '`mseLoss`, 16 elements'], ['crossEntropy 1×10', '`crossEntropy`, 1×10'], ['crossEntropyWithGrad 1×10', '`crossEntropyWithGrad`, 1×10, `gradInto`'],
  ['binaryCrossEntropyWithLogitsWithGrad 16', '`binaryCrossEntropyWithLogitsWithGrad`, 16, `gradInto`'], ['softmax 1×10', '`softmax`, 1×10, `out`']];
const fl = [`| call | ${runs.map((r) => r.label).join(' | ')} |`, `|---|${runs.map(() => '---:').join('|')}|`];
for (const [name, label] of fixed) {
  fl.push(`| ${label} | ${runs.map((r) => { const d = r.results.find((c) => c.name === name); return d ? `${us(d.stats.simdloss.med)} (${(d.stats.simdloss.min * 1000).toFixed(2)})` : '–'; }).join(' | ')} |`);
}
console.log(fl.join('\n'), '\n');
console.log(table('× plain JS', cases.filter(small), 'plain JS'));
