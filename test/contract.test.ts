// The registration a loss family needs (docs/CONTRACT.md, "Adding a family"), checked from the
// exports: every loss is exported with its WithGrad twin from its family's file in src/losses/,
// the family has its reference, kernel, test and fixture files, and each loss appears in the
// README's table, docs/API.md, the browser test's calls (test/browser/calls.mjs), the fuzzer's list
// (test/fuzz/fuzz.mjs) and a PyTorch fixture. A failure names what is missing and where.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as lib from '../src/index';
import { FUNCTIONS as BROWSER_CALLS } from './browser/calls.mjs';
import { FUZZED } from './fuzz/fuzz.mjs';

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The exports that are not losses: the backend and memory functions, and the resident tensor class. */
const NOT_LOSSES = new Set(['allocTensor', 'backend', 'getMemoryLimit', 'init', 'memoryUsage', 'setBackend', 'setMemoryLimit', 'threadCount', 'WasmTensor']);

const exported = Object.entries(lib).filter(([, v]) => typeof v === 'function').map(([name]) => name);
/** The public losses: functions with a WithGrad twin. */
const losses = exported.filter((name) => !name.endsWith('WithGrad') && exported.includes(`${name}WithGrad`)).sort();

const families = readdirSync(join(root, 'src', 'losses')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();

/** Each family's public losses, from its own file in src/losses/. */
async function lossesByFamily(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const family of families) {
    const mod = (await import(`../src/losses/${family}.ts`)) as Record<string, unknown>;
    out.set(family, Object.keys(mod).filter((name) => losses.includes(name)).sort());
  }
  return out;
}

/** The names missing from `list`, as a sorted array (empty when none is). */
const missingFrom = (list: Iterable<string>) => {
  const have = new Set(list);
  return losses.filter((name) => !have.has(name));
};

describe('contract: every loss family is registered everywhere it must be', () => {
  it('finds the losses (the check can fail: it sees them all)', () => {
    expect(losses.length).toBeGreaterThan(35);
    expect(losses).toContain('crossEntropy');
    expect(losses).toContain('generalizedBoxIouLoss');
  });

  it('every exported function is a loss with its WithGrad twin, or a backend function', () => {
    const stray = exported.filter((name) => !NOT_LOSSES.has(name) && !losses.includes(name) && !losses.includes(name.replace(/WithGrad$/, '')));
    expect(stray, 'exports that are neither a loss with a WithGrad twin nor listed in NOT_LOSSES').toEqual([]);
  });

  it('every loss comes from one family file in src/losses/, which has its reference, kernel, test and fixtures', async () => {
    const byFamily = await lossesByFamily();
    const owners = new Map<string, string[]>();
    for (const [family, names] of byFamily) for (const name of names) owners.set(name, [...(owners.get(name) ?? []), family]);
    expect(losses.filter((name) => owners.get(name)?.length !== 1), 'losses not exported by exactly one src/losses/<family>.ts').toEqual([]);
    const lacking: string[] = [];
    for (const family of families) {
      if ((byFamily.get(family) ?? []).length === 0) lacking.push(`src/losses/${family}.ts exports no loss`);
      for (const file of [`src/reference/${family}.ts`, `assembly/kernels/${family}.ts`, `test/${family}.test.ts`, `test/fixtures/torch/${family}.json`]) {
        if (!existsSync(join(root, file))) lacking.push(file);
      }
    }
    expect(lacking, 'files a family must have').toEqual([]);
  });

  it("every loss has a row in README.md's table", () => {
    const rows = read('README.md').split('\n').filter((l) => l.startsWith('|'));
    const named = rows.flatMap((row) => (row.split('|')[2] ?? '').match(/`(\w+)`/g)?.map((m) => m.slice(1, -1)) ?? []);
    expect(missingFrom(named), "losses missing from README.md's function table (second column)").toEqual([]);
  });

  it('every loss has a row in docs/API.md', () => {
    const named = [...read('docs/API.md').matchAll(/^\| `(\w+)\(/gm)].map((m) => m[1]);
    expect(missingFrom(named), 'losses missing from the tables of docs/API.md (`name(args)` rows)').toEqual([]);
  });

  it('every loss is called by the browser test', () => {
    expect(missingFrom(BROWSER_CALLS), 'losses missing from FUNCTIONS in test/browser/calls.mjs').toEqual([]);
  });

  it('every loss is fuzzed against the reference', () => {
    expect(missingFrom(FUZZED), 'losses missing from GENERATORS (FUZZED) in test/fuzz/fuzz.mjs').toEqual([]);
  });

  it('every loss has PyTorch fixtures', () => {
    const fns = new Set<string>();
    for (const file of readdirSync(join(root, 'test', 'fixtures', 'torch')).filter((f) => f.endsWith('.json'))) {
      const fixture = JSON.parse(read(`test/fixtures/torch/${file}`)) as { cases: { fn: string }[] };
      for (const c of fixture.cases) fns.add(c.fn.replace(/WithGrad$/, ''));
    }
    expect(missingFrom(fns), 'losses with no case in test/fixtures/torch/*.json (scripts/gen-fixtures.py)').toEqual([]);
  });
});
