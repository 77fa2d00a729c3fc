// Writes bench/RESULTS.md and bench/chart.svg from the runs bench/run.mjs collected
// (bench/results.json). `node bench/report.mjs` re-renders them from that file alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const PEERS = ['plain JS', 'TF.js wasm'];
const FLOOR_EXP = 'exp, constants from a table (the floor)';
const FLOOR_LOG = 'log, constants from a table (the floor)';
const FLOOR_SQ = 'Σ (a − b)², 2^20 elements (4 MiB each)';

const ms = (v) => (v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const x1 = (r) => `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
const triple = (s) => `${ms(s.min)} / ${ms(s.med)} / ${ms(s.p75)}`;

/** Ratios of a peer over simdloss: medians, and the spread as min/min and p75/p75. */
export function ratio(r, peer) {
  const a = r.stats[peer];
  const b = r.stats.simdloss;
  if (!a) return null;
  return { med: a.med / b.med, min: a.min / b.min, p75: a.p75 / b.p75 };
}

const spread = (q) => `${x1(q.med)} (${x1(Math.min(q.min, q.p75))}–${x1(Math.max(q.min, q.p75))})`;

/** "met" / "missed", and whether the spread reaches across the target. */
function verdict(q, want) {
  const lo = Math.min(q.min, q.p75, q.med);
  const hi = Math.max(q.min, q.p75, q.med);
  const met = q.med >= want;
  const crosses = lo < want && hi >= want;
  return `${met ? 'met' : '**missed**'}${crosses ? ' (spread crosses it)' : ''}`;
}

function targetCell(r) {
  const parts = [];
  const t = { ...r.target };
  for (const peer of PEERS) {
    const q = ratio(r, peer);
    if (!q) continue;
    if (t[peer]) parts.push(`≥${t[peer]}× ${peer === 'plain JS' ? 'JS' : 'TF.js'}: ${verdict(q, t[peer])}`);
    if (peer === 'plain JS' && q.med < 1) parts.push('**below 1× plain JS**');
  }
  return parts.join('; ');
}

const caseLabel = (r) => r.name;

function runTable(run, mode, lines) {
  const rows = run.results.filter((r) => r.mode === mode);
  if (!rows.length) return;
  const withTf = rows.some((r) => r.stats['TF.js wasm']);
  // other simdloss builds (BENCH_COMPARE): their time over this build's
  const others = [...new Set(rows.flatMap((r) => Object.keys(r.stats).filter((n) => n.startsWith('simdloss '))))];
  // bytes a call allocates (Node runs: bench/node.mjs), simdloss / plain JS
  const withAlloc = rows.some((r) => r.alloc);
  lines.push(`| case | simdloss ms (min / med / p75) | plain JS ms | × plain JS, med (spread) |${withTf ? ' TF.js wasm ms | × TF.js wasm |' : ''}${others.map((o) => ` ${o} ms | × ${o} |`).join('')}${withAlloc ? ' bytes allocated per call (simdloss / plain JS) |' : ''} target |`);
  lines.push(`|---|---:|---:|---:|${withTf ? '---:|---:|' : ''}${others.map(() => '---:|---:|').join('')}${withAlloc ? '---:|' : ''}---|`);
  for (const r of rows) {
    const s = r.stats;
    const qj = ratio(r, 'plain JS');
    const qt = ratio(r, 'TF.js wasm');
    const tf = withTf ? ` ${s['TF.js wasm'] ? triple(s['TF.js wasm']) : '–'} | ${qt ? spread(qt) : '–'} |` : '';
    const ot = others.map((o) => ` ${s[o] ? triple(s[o]) : '–'} | ${s[o] ? spread(ratio(r, o)) : '–'} |`).join('');
    const bytes = (v) => (v === null || v === undefined ? '–' : v >= 10240 ? `${(v / 1024).toFixed(0)} KiB` : `${Math.round(v)}`);
    const al = withAlloc ? ` ${r.alloc ? `${bytes(r.alloc.simdloss)} / ${bytes(r.alloc['plain JS'])}` : '–'} |` : '';
    lines.push(`| ${caseLabel(r)} | ${triple(s.simdloss)} | ${triple(s['plain JS'])} | ${spread(qj)} |${tf}${ot}${al} ${targetCell(r)} |`);
  }
}

function summaryTable(runs, lines) {
  const keys = [];
  for (const run of runs) for (const r of run.results) if (!keys.some((k) => k.id === r.id)) keys.push(r);
  lines.push(`| case | mode | ${runs.map((r) => `${r.label} × JS`).join(' | ')} | ${runs.map((r) => `${r.label} × TF.js`).join(' | ')} |`);
  lines.push(`|---|---|${runs.map(() => '---:').join('|')}|${runs.map(() => '---:').join('|')}|`);
  for (const k of keys) {
    const cells = (peer) => runs.map((run) => {
      const r = run.results.find((x) => x.id === k.id);
      const q = r && ratio(r, peer);
      return q ? x1(q.med) : '–';
    });
    const mode = ['crossEntropy', 'mseLoss', 'l1Loss', 'smoothL1Loss'].includes(k.family) ? 'forward' : k.mode;
    lines.push(`| ${k.name} | ${mode} | ${cells('plain JS').join(' | ')} | ${cells('TF.js wasm').join(' | ')} |`);
  }
}

/** The targets, case by case, on the runtimes where they must hold (Node 24 and Chromium). */
function targetsTable(runs, lines) {
  const where = runs.filter((r) => /^(Node 24|Chromium)/.test(r.label));
  if (!where.length) return;
  lines.push(`| case | target | ${where.map((r) => r.label).join(' | ')} |`, `|---|---|${where.map(() => '---').join('|')}|`);
  const keys = [];
  for (const run of where) for (const r of run.results) if (!keys.some((k) => k.id === r.id)) keys.push(r);
  for (const k of keys) {
    const mode = ['crossEntropy', 'mseLoss', 'l1Loss', 'smoothL1Loss'].includes(k.family) ? '' : `, ${k.mode}`;
    const goals = Object.entries(k.target ?? {});
    if (!k.target?.['plain JS']) goals.unshift(['plain JS', 1]);
    for (const [peer, want] of goals) {
      const cells = where.map((run) => {
        const r = run.results.find((x) => x.id === k.id);
        const q = r && ratio(r, peer);
        if (!q) return '–';
        // the issue sets softmax's TF.js target in Node only
        if (k.family === 'softmax' && peer === 'TF.js wasm' && !run.label.startsWith('Node')) return `${x1(q.med)} (target for Node only)`;
        return `${x1(q.med)}: ${verdict(q, want)}`;
      });
      if (cells.every((c) => c === '–')) continue;
      lines.push(`| ${k.name}${mode} | ≥${want}× ${peer} | ${cells.join(' | ')} |`);
    }
  }
}

function floorSection(run, lines) {
  const f = run.floor;
  if (!f) return;
  lines.push(`Floor loops (bench/floor/floor.ts), ns per element, min / median / p75, ${f.n.toLocaleString('en-US')} floats unless noted:`, '');
  lines.push('| loop | ns/element |', '|---|---:|');
  for (const [name, s] of Object.entries(f.floor)) lines.push(`| ${name} | ${s.min.toFixed(2)} / ${s.med.toFixed(2)} / ${s.p75.toFixed(2)} |`);
  const id = f.identical;
  // Say "identical" only when it is: the floor keeps XNNPACK's rr2-p5 exp, the library's f32_exp
  // export now has the 1-ulp polynomial (docs/accuracy.md), so its results may differ in the last bit.
  const same = (r) => (r.againstLibrary === 0 ? `identical to the library's (0 of ${r.of} differ)` : `${r.againstLibrary} of ${r.of} differ from the library's export in the last bits (a different polynomial of the same cost class)`);
  lines.push('', `Results of the table-constant loops: exp ${same(id.exp)}; log ${same(id.log)}.`, '');
  // The floor is a best case by nature, and the medians of these short loops swing with the
  // machine's load: the ratios to the floor are taken min to min (best to best); medians beside.
  const floorOf = (kind, q) => kind === 'exp' ? f.floor[FLOOR_EXP][q] : kind === 'exp+log' ? f.floor[FLOOR_EXP][q] + f.floor[FLOOR_LOG][q] : f.floor[FLOOR_SQ][q];
  const floorName = { exp: 'exp', 'exp+log': 'exp + log', sqdiff: 'Σ (a − b)², 2^20' };
  lines.push('Hot kernels against the floor, ns per element. "Resident": operands already in wasm memory (`allocTensor`, `gradInto` a WasmTensor; softmax still copies its result out into a new array). "End to end": the reused-mode case above (the fresh one for forward-only losses and softmax), Float32Array in and out. "× floor" is min over min (the best runs of each); medians in brackets.', '');
  lines.push('| kernel | floor, min (med) | resident, min / med / p75 | resident × floor | end to end, min / med / p75 | end to end × floor |', '|---|---:|---:|---:|---:|---:|');
  for (const k of f.kernels) {
    const fmin = floorOf(k.floor, 'min');
    const fmed = floorOf(k.floor, 'med');
    const e2e = run.results.find((r) => r.name === k.name && r.mode === 'reused') ?? run.results.find((r) => r.name === k.name);
    const per = (v) => (v * 1e6) / e2e.elements;
    const es = e2e ? e2e.stats.simdloss : null;
    const e = es ? `${per(es.min).toFixed(2)} / ${per(es.med).toFixed(2)} / ${per(es.p75).toFixed(2)}` : '–';
    const ex = es ? `${(per(es.min) / fmin).toFixed(1)}× (${(per(es.med) / fmed).toFixed(1)}×)` : '–';
    lines.push(`| ${k.name} | ${floorName[k.floor]}: ${fmin.toFixed(2)} (${fmed.toFixed(2)}) | ${k.ns.min.toFixed(2)} / ${k.ns.med.toFixed(2)} / ${k.ns.p75.toFixed(2)} | ${(k.ns.min / fmin).toFixed(1)}× (${(k.ns.med / fmed).toFixed(1)}×) | ${e} | ${ex} |`);
  }
  lines.push('');
}

/** Float32 arrays each case copies in and out (class indices and the loss number left out). */
const MOVES = {
  crossEntropy: { ins: 1, outs: 0 },
  crossEntropyWithGrad: { ins: 1, outs: 1 },
  // the floor's resident softmax copies its result out into a new array
  softmax: { ins: 1, outs: 1, residentOuts: true },
  binaryCrossEntropyWithLogitsWithGrad: { ins: 2, outs: 1 },
  mseLoss: { ins: 2, outs: 0 },
  l1Loss: { ins: 2, outs: 0 },
  smoothL1Loss: { ins: 2, outs: 0 },
};

/**
 * Where an end-to-end call's time goes, per case and mode (ns per element, best runs: min over
 * min): the call on resident operands (kernel + API), the copies an end-to-end call cannot avoid
 * (its inputs into wasm memory, its output out, into a new array in the fresh mode), and what is
 * left. "Ceiling" is plain JS over the copies alone: the ratio a free kernel would reach.
 */
function movementSection(run, lines) {
  const f = run.floor;
  if (!f?.movement) return;
  lines.push('Where the time of an end-to-end call goes, ns per element, best runs (min): the call on resident operands (from the table above: kernel and API), the copies of its Float32Arrays into wasm memory and of its result out (into a new array in the fresh mode, into the kept one in the reused mode; timed alone, in the runtime\'s 128 KiB blocks), and the rest (staging bookkeeping, allocation of the runtime\'s blocks, the JS wrapper). "Ceiling" is plain JS over the copies alone: the ratio simdloss would reach with a kernel that cost nothing.', '');
  lines.push('| case | plain JS | end to end | resident | copies | rest | × plain JS (min/min) | ceiling |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of run.results) {
    const mv = MOVES[r.family];
    const m = f.movement[r.elements];
    if (!mv || !m) continue;
    const per = (v) => (v * 1e6) / r.elements;
    const e2e = per(r.stats.simdloss.min);
    const js = per(r.stats['plain JS'].min);
    const k = f.kernels.find((x) => x.name === r.name);
    const copies = mv.ins * m.in.min + mv.outs * (r.mode === 'fresh' ? m.fresh.min : m.kept.min);
    const res = k ? k.ns.min : null;
    const rest = res === null ? null : e2e - res - (mv.residentOuts ? mv.ins * m.in.min : copies);
    const cell = (v) => (v === null ? '–' : v.toFixed(2));
    lines.push(`| ${r.name}, ${r.mode} | ${js.toFixed(2)} | ${e2e.toFixed(2)} | ${cell(res)} | ${copies.toFixed(2)} | ${cell(rest)} | ${x1(js / e2e)} | ${x1(js / copies)} |`);
  }
  lines.push('');
}

// ---------- chart ----------
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * Horizontal bars, log scale from LO (so a ratio below 1× is a visible bar, shorter than the 1×
 * line), one group per case and mode, one bar per runtime; a whisker for the spread, a tick for
 * the target.
 */
function chart(runs) {
  const colors = ['#4c78a8', '#9ecae9', '#f58518', '#72b7b2'];
  const LO = 0.25, HI = 64;
  const W = 900, left = 330, right = 60;
  const barH = 9, gap = 10;
  const scale = (v) => left + ((Math.log2(Math.min(Math.max(v, LO), HI)) - Math.log2(LO)) / (Math.log2(HI) - Math.log2(LO))) * (W - left - right);
  const panels = PEERS.map((peer) => {
    const rows = [];
    for (const run of runs) for (const r of run.results) {
      if (!r.stats[peer]) continue;
      const key = `${r.name}|${r.mode}`;
      if (!rows.some((x) => x.key === key)) rows.push({ key, r });
    }
    return { peer, rows };
  });
  let y = 30;
  let body = '';
  const legend = runs.map((run, i) => `<rect x="${left + i * 150}" y="${y - 11}" width="12" height="12" fill="${colors[i]}"/><text x="${left + 16 + i * 150}" y="${y}">${esc(run.label)}</text>`).join('');
  body += `<text x="10" y="${y}" font-size="14" font-weight="bold">simdloss speed-up (× faster; log scale)</text>${legend}\n`;
  y += 14;
  for (const { peer, rows } of panels) {
    if (!rows.length) continue;
    y += 20;
    body += `<text x="10" y="${y}" font-size="13" font-weight="bold">over ${esc(peer)} (median; whisker: min/min to p75/p75; black tick: target; dashed red: 1×)</text>\n`;
    y += 8;
    const top = y;
    const groupH = runs.length * barH + gap;
    const h = rows.length * groupH;
    for (const t of [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64]) {
      if (t !== 1) body += `<line x1="${scale(t)}" y1="${top}" x2="${scale(t)}" y2="${top + h}" stroke="#ddd"/>`;
      body += `<text x="${scale(t)}" y="${top + h + 12}" text-anchor="middle" fill="#666">${t}×</text>\n`;
    }
    rows.forEach(({ r }, i) => {
      const gy = top + i * groupH + gap / 2;
      const mode = ['crossEntropy', 'mseLoss', 'l1Loss', 'smoothL1Loss'].includes(r.family) ? '' : `, ${r.mode}`;
      body += `<text x="10" y="${gy + (runs.length * barH) / 2 + 4}">${esc(r.name + mode)}</text>`;
      runs.forEach((run, j) => {
        const rr = run.results.find((x) => x.id === r.id);
        const q = rr && ratio(rr, peer);
        if (!q) return;
        const by = gy + j * barH;
        const w = Math.max(scale(q.med) - scale(LO), 2);
        body += `<rect x="${scale(LO)}" y="${by}" width="${w}" height="${barH - 1}" fill="${colors[j]}"><title>${esc(`${run.label}: ${x1(q.med)}`)}</title></rect>`;
        const a = Math.min(q.min, q.p75), b = Math.max(q.min, q.p75);
        body += `<line x1="${scale(a)}" y1="${by + barH / 2}" x2="${scale(b)}" y2="${by + barH / 2}" stroke="#222" stroke-width="1"/>`;
        body += `<text x="${Math.max(scale(q.med), scale(b)) + 4}" y="${by + barH - 1}" font-size="9" fill="#333">${x1(q.med)}</text>`;
      });
      const want = r.target?.[peer];
      if (want) body += `<line x1="${scale(want)}" y1="${gy - 2}" x2="${scale(want)}" y2="${gy + runs.length * barH + 1}" stroke="#000" stroke-width="2.5"/>`;
      body += '\n';
    });
    // the 1× line on top of the bars: a bar ending left of it is slower than the peer
    body += `<line x1="${scale(1)}" y1="${top}" x2="${scale(1)}" y2="${top + h}" stroke="#c00" stroke-width="1.5" stroke-dasharray="4 2"/>\n`;
    y = top + h + 24;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="#fff"/>\n${body}</svg>\n`;
}

export function writeReport(data) {
  const { runs, date, command } = data;
  const lines = [];
  lines.push('# Benchmark results', '');
  lines.push(`Written by \`${command}\` (bench/run.mjs) on ${date}, in one run. Do not edit: re-run the benchmark.`, '');
  lines.push('## How it is measured', '');
  lines.push('- **Contenders**: simdloss (wasm-simd backend); the plain-JS baseline (`bench/plain-js.mjs`: each exp computed once and stored, loss and gradient fused in one pass, no allocation beyond the returned array, float64 sums, a branch-free smooth L1); TF.js with its wasm backend (XNNPACK kernels, SIMD, one thread) for cross-entropy, BCE and softmax. Float32Array inputs, end to end: copies into and out of wasm memory included.');
  lines.push('- **Modes**, symmetric on both sides: *fresh*, every contender returns a new result array per call (simdloss\'s default API; TF.js always does); *reused*, simdloss writes into a caller-owned array (`options.gradInto`) and the plain-JS loop into a buffer it keeps. Forward-only cases return a number and are listed with the fresh ones; simdloss\'s softmax writes into a kept array through `options.out`.');
  lines.push('- **Checked first**: every simdloss result was compared with the plain-JS baseline before timing (loss relative error, and the output array\'s largest error relative to its largest element, each ≤ 1e-5; the run fails otherwise).');
  lines.push(`- **Timed**: contenders interleaved round by round (rotating order), each round timing enough calls for about 10 ms; 2 warm-up rounds dropped, then ${runs[0]?.rounds ?? '?'} rounds per contender. Times are per call: min / median / p75 over the rounds. Ratios are the peer's time over simdloss's (higher = simdloss faster): ratio of medians, with the spread as (min/min–p75/p75). Where the spread of a ratio reaches across a target, the difference is not measured.`);
  lines.push('- **Targets** (issue 8): they must hold on Node 24 and in Chromium; Node 20 is a compatibility column. Every case must also be at least 1× plain JS.');
  lines.push('- **One run on a shared, noisy 2-core machine**: read the ratios and their spread, not absolute times.', '');
  lines.push('## Machine and versions', '');
  for (const run of runs) lines.push(`- **${run.label}**: ${run.engine}; TF.js: ${run.tf}; ${run.seconds.toFixed(0)} s${run.load ? `, load average ${run.load[0].toFixed(1)} before and ${run.load[1].toFixed(1)} after (2 cores)` : ''}.`);
  lines.push(`- Machine: ${runs[0]?.machine ?? '?'}. ${data.versions}`, '');
  lines.push('## Summary: ratio of medians', '');
  summaryTable(runs, lines);
  lines.push('', '![simdloss speed-up per case and runtime](chart.svg)', '');
  lines.push('## Targets', '', 'Issue 8\'s targets where they must hold, judged on the ratio of medians ("spread crosses it": min/min or p75/p75 falls on the other side). A case without its own plain-JS target must still be ≥1× plain JS.', '');
  targetsTable(runs, lines);
  lines.push('');
  for (const run of runs) {
    for (const [mode, title] of [['fresh', 'fresh (new result arrays; forward-only cases)'], ['reused', 'reused (gradients into kept buffers)']]) {
      lines.push(`## ${run.label}: ${title}`, '');
      runTable(run, mode, lines);
      lines.push('');
    }
  }
  if (data.threads) {
    lines.push('## Threads (Node 24)', '');
    lines.push(`\`init({ threads: ${data.threads.threads} })\` against one thread (bench/threads.mjs): rounds alternate the count; per call, the median and the rounds' min–max. Resident data is what threads are for; the plain-array and small rows check that turning them on costs those calls nothing (they stay on the calling thread). ${data.threads.note}.`, '');
    lines.push(data.threads.table, '');
  }
  lines.push('## The floor', '');
  lines.push('A bare f32x4 loop of the library\'s exp (and log) with nothing else in it: the practical floor per element in each engine. `bench/floor/floor.ts` computes exactly `assembly/simd/math.ts`\'s exp_f32x4 / log_f32x4, with its constants loaded once from a table in linear memory into locals before the loop (the emitted .wat is checked to have no `v128.const` in those loops); the "inline v128.const" rows are the same loops with the constants as the kernels have them, and the library\'s own `f32_exp` / `f32_log` exports are timed too.', '');
  for (const run of runs) {
    if (!run.floor) continue;
    lines.push(`### ${run.label}`, '');
    floorSection(run, lines);
    movementSection(run, lines);
  }
  const errs = [];
  for (const run of runs) for (const r of run.results) for (const [n, e] of Object.entries(r.errors)) if (n === 'TF.js wasm' && e > 1e-5) errs.push(`${run.label} ${r.name}: ${e.toExponential(1)}`);
  lines.push('## Accuracy', '');
  const worst = Math.max(...runs.flatMap((run) => run.results.map((r) => r.errors.simdloss)));
  lines.push(`Largest simdloss error against the plain-JS baseline over all cases and runtimes: ${worst.toExponential(1)}. ${errs.length ? `TF.js wasm beyond 1e-5 (timed anyway): ${errs.join('; ')}.` : 'TF.js wasm was within 1e-5 everywhere.'}`, '');
  writeFileSync(join(here, 'RESULTS.md'), lines.join('\n'));
  writeFileSync(join(here, 'chart.svg'), chart(runs));
}

/**
 * README.md's "Performance" tables from one run (`node bench/report.mjs --readme`): the ratio of
 * medians per case and runtime against each peer with its spread (min over min – p75 over p75),
 * the large cases first, then the fixed cost of the smallest calls and the small cases.
 */
export function readmeTable({ date, runs }) {
  const cases = runs[0].results;
  const small = (c) => /^(crossEntropy|crossEntropyWithGrad|softmax) (1×10|32×10|256×100)$|^(mseLoss|binaryCrossEntropyWithLogitsWithGrad) (16|256|1024|65536)$/.test(c.name);
  const key = (c) => `${c.name}${c.mode === 'reused' ? ', reused' : c.mode === 'fresh' && /WithGrad|softmax/.test(c.name) ? ', fresh' : ''}`;
  const head = (first) => [`| ${first} ${runs.map((r) => r.label).join(' | ')} |`, `|---|${runs.map(() => '---:').join('|')}|`];
  const table = (rows, peer) => {
    const lines = head(`case | × ${peer}:`);
    for (const c of rows) {
      if (!c.stats[peer]) continue;
      lines.push(`| ${key(c)} | ${runs.map((run) => {
        const r = run.results.find((d) => d.id === c.id);
        const q = r && ratio(r, peer);
        return q ? `${x1(q.med)} (${x1(q.min)}–${x1(q.p75)})` : '–';
      }).join(' | ')} |`);
    }
    return lines.join('\n');
  };
  const fixed = [['mseLoss 16', '`mseLoss`, 16 elements'], ['crossEntropy 1×10', '`crossEntropy`, 1×10'], ['crossEntropyWithGrad 1×10', '`crossEntropyWithGrad`, 1×10, `gradInto`'],
    ['binaryCrossEntropyWithLogitsWithGrad 16', '`binaryCrossEntropyWithLogitsWithGrad`, 16, `gradInto`'], ['softmax 1×10', '`softmax`, 1×10, `out`']];
  const fl = head('call |');
  for (const [name, label] of fixed) {
    fl.push(`| ${label} | ${runs.map((run) => {
      const s = run.results.find((c) => c.name === name)?.stats.simdloss;
      return s ? `${(s.med * 1000).toFixed(2)} µs (${(s.min * 1000).toFixed(2)})` : '–';
    }).join(' | ')} |`);
  }
  return [
    `Bench run ${date}: ${runs.map((r) => `${r.label} load ${r.load ? r.load.map((l) => l.toFixed(1)).join('–') : '?'}`).join(', ')}`,
    ...PEERS.map((peer) => table(cases.filter((c) => !small(c)), peer)),
    fl.join('\n'),
    table(cases.filter(small), 'plain JS'),
  ].join('\n\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const data = JSON.parse(readFileSync(join(here, 'results.json'), 'utf8'));
  if (process.argv.includes('--readme')) console.log(readmeTable(data));
  else writeReport(data);
}
