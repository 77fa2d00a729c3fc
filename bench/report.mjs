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
  lines.push(`| case | simdloss ms (min / med / p75) | plain JS ms | × plain JS, med (spread) |${withTf ? ' TF.js wasm ms | × TF.js wasm |' : ''}${others.map((o) => ` ${o} ms | × ${o} |`).join('')} target |`);
  lines.push(`|---|---:|---:|---:|${withTf ? '---:|---:|' : ''}${others.map(() => '---:|---:|').join('')}---|`);
  for (const r of rows) {
    const s = r.stats;
    const qj = ratio(r, 'plain JS');
    const qt = ratio(r, 'TF.js wasm');
    const tf = withTf ? ` ${s['TF.js wasm'] ? triple(s['TF.js wasm']) : '–'} | ${qt ? spread(qt) : '–'} |` : '';
    const ot = others.map((o) => ` ${s[o] ? triple(s[o]) : '–'} | ${s[o] ? spread(ratio(r, o)) : '–'} |`).join('');
    lines.push(`| ${caseLabel(r)} | ${triple(s.simdloss)} | ${triple(s['plain JS'])} | ${spread(qj)} |${tf}${ot} ${targetCell(r)} |`);
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

function floorSection(run, lines) {
  const f = run.floor;
  if (!f) return;
  lines.push(`Floor loops (bench/floor/floor.ts), ns per element, min / median / p75, ${f.n.toLocaleString('en-US')} floats unless noted:`, '');
  lines.push('| loop | ns/element |', '|---|---:|');
  for (const [name, s] of Object.entries(f.floor)) lines.push(`| ${name} | ${s.min.toFixed(2)} / ${s.med.toFixed(2)} / ${s.p75.toFixed(2)} |`);
  const id = f.identical;
  lines.push('', `The table-constant loops gave bit-identical results to the library's exp_f32x4 and log_f32x4 (exp: ${id.exp.againstLibrary} of ${id.exp.of} differ from the f32_exp export; log: ${id.log.againstLibrary} of ${id.log.of} differ from f32_log).`, '');
  const floorOf = (kind) => kind === 'exp' ? f.floor[FLOOR_EXP].med : kind === 'exp+log' ? f.floor[FLOOR_EXP].med + f.floor[FLOOR_LOG].med : f.floor[FLOOR_SQ].med;
  const floorName = { exp: 'exp', 'exp+log': 'exp + log', sqdiff: 'Σ (a − b)², 2^20' };
  lines.push('Hot kernels against the floor. "Resident": operands already in wasm memory (`allocTensor`, `gradInto` a WasmTensor; softmax still copies its result out). "End to end": the reused-mode case above (the fresh one for forward-only losses and softmax), Float32Array in and out.', '');
  lines.push('| kernel | floor (ns/element) | resident ns/element (min / med / p75) | resident × floor | end to end ns/element | end to end × floor |', '|---|---:|---:|---:|---:|---:|');
  for (const k of f.kernels) {
    const fl = floorOf(k.floor);
    const e2e = run.results.find((r) => r.name === k.name && r.mode === 'reused') ?? run.results.find((r) => r.name === k.name);
    const e = e2e ? (e2e.stats.simdloss.med * 1e6) / e2e.elements : null;
    lines.push(`| ${k.name} | ${floorName[k.floor]}: ${fl.toFixed(2)} | ${k.ns.min.toFixed(2)} / ${k.ns.med.toFixed(2)} / ${k.ns.p75.toFixed(2)} | ${(k.ns.med / fl).toFixed(1)}× | ${e ? e.toFixed(2) : '–'} | ${e ? `${(e / fl).toFixed(1)}×` : '–'} |`);
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
  lines.push('- **Contenders**: simdloss (wasm-simd backend); the plain-JS baseline (`bench/plain-js.mjs`: each exp computed once and stored, loss and gradient fused in one pass, no allocation beyond the returned array, float64 sums); TF.js with its wasm backend (XNNPACK kernels, SIMD, one thread) for cross-entropy, BCE and softmax. Float32Array inputs, end to end: copies into and out of wasm memory included.');
  lines.push('- **Modes**, symmetric on both sides: *fresh*, every contender returns a new result array per call (simdloss\'s default API; TF.js always does); *reused*, simdloss writes into a caller-owned array (`options.gradInto`) and the plain-JS loop into a buffer it keeps. Forward-only cases return a number and are listed with the fresh ones; simdloss\'s softmax has no output option, so it is fresh only.');
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
  for (const run of runs) {
    for (const [mode, title] of [['fresh', 'fresh (new result arrays; forward-only cases)'], ['reused', 'reused (gradients into kept buffers)']]) {
      lines.push(`## ${run.label}: ${title}`, '');
      runTable(run, mode, lines);
      lines.push('');
    }
  }
  lines.push('## The floor', '');
  lines.push('A bare f32x4 loop of the library\'s exp (and log) with nothing else in it: the practical floor per element in each engine. `bench/floor/floor.ts` computes exactly `assembly/simd/math.ts`\'s exp_f32x4 / log_f32x4, with its constants loaded once from a table in linear memory into locals before the loop (the emitted .wat is checked to have no `v128.const` in those loops); the "inline v128.const" rows are the same loops with the constants as the kernels have them, and the library\'s own `f32_exp` / `f32_log` exports are timed too.', '');
  for (const run of runs) {
    if (!run.floor) continue;
    lines.push(`### ${run.label}`, '');
    floorSection(run, lines);
  }
  const errs = [];
  for (const run of runs) for (const r of run.results) for (const [n, e] of Object.entries(r.errors)) if (n === 'TF.js wasm' && e > 1e-5) errs.push(`${run.label} ${r.name}: ${e.toExponential(1)}`);
  lines.push('## Accuracy', '');
  const worst = Math.max(...runs.flatMap((run) => run.results.map((r) => r.errors.simdloss)));
  lines.push(`Largest simdloss error against the plain-JS baseline over all cases and runtimes: ${worst.toExponential(1)}. ${errs.length ? `TF.js wasm beyond 1e-5 (timed anyway): ${errs.join('; ')}.` : 'TF.js wasm was within 1e-5 everywhere.'}`, '');
  writeFileSync(join(here, 'RESULTS.md'), lines.join('\n'));
  writeFileSync(join(here, 'chart.svg'), chart(runs));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeReport(JSON.parse(readFileSync(join(here, 'results.json'), 'utf8')));
