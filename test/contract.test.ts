// The places a loss family touches (docs/CONTRACT.md, "Adding a family"), checked for every family:
// the list is read from CONTRACT.md itself, and each place it names has one check here, so the
// document and the test cannot drift apart. The families are those of the catalogue
// (test/catalog.mjs), of src/losses/ and of the kernel list: a family that is in one of them and
// missing from any place fails, naming the family and the place. The catalogue is checked against
// the public exports (src/index.ts) and the functions themselves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as lib from '../src/index';
import { FAMILIES as KERNEL_FAMILIES } from '../src/wasm/kernels';
import { CATALOG, FAMILIES, makeCalls } from './catalog.mjs';
import { FUZZED } from './fuzz/fuzz.mjs';

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const api = lib as unknown as Record<string, (...a: unknown[]) => { grads: unknown[] }>;

/** The exports that are not losses: the backend and memory functions, and the resident tensor class. */
const NOT_LOSSES = new Set(['allocTensor', 'backend', 'getMemoryLimit', 'init', 'memoryUsage', 'setBackend', 'setMemoryLimit', 'threadCount', 'WasmTensor']);
/** Modules of the kernel list that are not loss families: float16 conversion (every bundle), the test-only math kernels. */
const NOT_FAMILIES = new Set(['half', 'math']);

const exported = Object.entries(lib).filter(([, v]) => typeof v === 'function').map(([name]) => name);
/** The public losses: functions with a WithGrad twin. */
const losses = exported.filter((name) => !name.endsWith('WithGrad') && exported.includes(`${name}WithGrad`)).sort();

const lossFiles = readdirSync(join(root, 'src', 'losses')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
const kernelFamilies = KERNEL_FAMILIES.map((f) => f.spec.source).filter((s) => !NOT_FAMILIES.has(s));
/** Every family anything names: the catalogue's, src/losses/'s and the kernel list's. */
const families = [...new Set([...FAMILIES.map((f) => f.name), ...CATALOG.map((e) => e.family), ...lossFiles, ...kernelFamilies])].sort();
const functionsOf = (family: string) => CATALOG.filter((e) => e.family === family).map((e) => e.name);

/** The places of CONTRACT.md's list: the path at the head of each numbered line between the markers. */
function contractPlaces(): string[] {
  const doc = read('docs/CONTRACT.md');
  const start = doc.indexOf('<!-- places -->');
  const end = doc.indexOf('<!-- /places -->');
  if (start < 0 || end < start) throw new Error('docs/CONTRACT.md: the list of places (between <!-- places --> and <!-- /places -->) is missing');
  return [...doc.slice(start, end).matchAll(/^\d+\. `([^`]+)`/gm)].map((m) => m[1]);
}

/** Rows of the markdown tables of a file, as their cells. */
const rows = (path: string) => read(path).split('\n').filter((l) => l.startsWith('|')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
const named = (cell: string | undefined) => (cell ?? '').match(/`(\w+)`/g)?.map((m) => m.slice(1, -1)) ?? [];
const fixture = (family: string) => JSON.parse(read(`test/fixtures/torch/${family}.json`)) as { family: string; cases: { fn: string }[] };
const exists = (path: string) => existsSync(join(root, path));
const lacking = (what: string, names: string[], have: Iterable<string>) => {
  const set = new Set(have);
  return names.filter((n) => !set.has(n)).map((n) => `${n}: ${what}`);
};

/**
 * One check per place: the problems of `family` there (empty when none). The keys are the places
 * as CONTRACT.md names them.
 */
const CHECKS: Record<string, (family: string) => string[] | Promise<string[]>> = {
  'src/losses/<family>.ts': async (family) => {
    if (!exists(`src/losses/${family}.ts`)) return ['the file is missing'];
    const mod = (await import(`../src/losses/${family}.ts`)) as Record<string, unknown>;
    const fns = functionsOf(family);
    const own = Object.keys(mod).filter((name) => losses.includes(name));
    return [
      ...(own.length ? [] : ['exports no loss (a function with its WithGrad twin)']),
      ...fns.flatMap((n) => (typeof mod[n] === 'function' && typeof mod[`${n}WithGrad`] === 'function' ? [] : [`${n}: not exported with its WithGrad twin`])),
      ...own.filter((n) => !fns.includes(n)).map((n) => `${n}: exported here, but the catalogue puts it in another family (or none)`),
    ];
  },
  'src/reference/<family>.ts': (family) => (exists(`src/reference/${family}.ts`) ? [] : ['the file is missing']),
  'assembly/kernels/<family>.ts': (family) => (exists(`assembly/kernels/${family}.ts`) ? [] : ['the file is missing']),
  'src/wasm/kernels.ts': (family) => (kernelFamilies.includes(family) ? [] : ['no entry in FAMILIES (a `…Kernels` spec whose source is the family)']),
  'src/index.ts': (family) => lacking('not exported (with its WithGrad twin) by src/index.ts', functionsOf(family), losses),
  'test/catalog.mjs': (family) => [
    ...(FAMILIES.some((f) => f.name === family) ? [] : ['not in FAMILIES']),
    ...(functionsOf(family).length ? [] : ['no function of the family in CATALOG']),
    ...(FAMILIES.filter((f) => f.name === family && !functionsOf(family).includes(f.bundle)).map((f) => `FAMILIES' bundle function ${f.bundle} is not the family's`)),
  ],
  'test/<family>.test.ts': (family) => (exists(`test/${family}.test.ts`) ? [] : ['the file is missing']),
  'scripts/gen-fixtures.py': (family) => (new RegExp(`^    '${family}': \\w+,`, 'm').test(read('scripts/gen-fixtures.py')) ? [] : ['not in its FAMILIES']),
  'test/fixtures/torch/<family>.json': (family) => {
    if (!exists(`test/fixtures/torch/${family}.json`)) return ['the file is missing (scripts/gen-fixtures.py writes it)'];
    const f = fixture(family);
    return [
      ...(f.family === family ? [] : [`its "family" is ${f.family}`]),
      ...lacking('no case', functionsOf(family), f.cases.map((c) => c.fn.replace(/(V3)?(WithGrad)?$/, ''))),
    ];
  },
  'README.md': (family) => lacking("no row in the functions table (second column)", functionsOf(family), rows('README.md').flatMap((r) => named(r[1]))),
  'docs/API.md': (family) => lacking('no `name(args)` row', functionsOf(family), [...read('docs/API.md').matchAll(/^\| `(\w+)\(/gm)].map((m) => m[1])),
  'docs/semantics.md': (family) => {
    const row = rows('docs/semantics.md').find((r) => r[0] === `\`${family}\``);
    if (!row) return ['no row in the table of families'];
    const section = /^§(\d+)$/.exec(row[2] ?? '')?.[1];
    return [
      ...lacking('not in the family\'s row', functionsOf(family), named(row[1])),
      ...(section && new RegExp(`^## ${section}\\. `, 'm').test(read('docs/semantics.md')) ? [] : [`the row's section ${row[2]} is not a heading`]),
    ];
  },
  'docs/accuracy.md': (family) => lacking('no row in a table', functionsOf(family), rows('docs/accuracy.md').map((r) => r[0])),
};

describe('contract: docs/CONTRACT.md lists the places a family touches, and each is checked', () => {
  it('the list in CONTRACT.md is exactly the places checked here', () => {
    expect(contractPlaces().sort()).toEqual(Object.keys(CHECKS).sort());
  });

  it('finds the families (the check can fail: it sees them all)', () => {
    expect(families.length).toBeGreaterThan(15);
    expect(families).toContain('cross-entropy');
    expect(families).toContain('box-iou');
  });

  for (const place of Object.keys(CHECKS)) {
    it(`every family: ${place}`, async () => {
      const problems: string[] = [];
      for (const family of families) for (const p of await CHECKS[place](family)) problems.push(`${family}: ${p}`);
      expect(problems, `${place}`).toEqual([]);
    });
  }
});

describe('contract: the catalogue (test/catalog.mjs) is the public API', () => {
  it('every exported function is a loss with its WithGrad twin, or a backend function', () => {
    const stray = exported.filter((name) => !NOT_LOSSES.has(name) && !losses.includes(name) && !losses.includes(name.replace(/WithGrad$/, '')));
    expect(stray, 'exports that are neither a loss with a WithGrad twin nor listed in NOT_LOSSES').toEqual([]);
  });

  it('every loss exported by src/index.ts is in CATALOG, once', () => {
    const names = CATALOG.map((e) => e.name);
    expect(lacking('an export of src/index.ts missing from CATALOG in test/catalog.mjs', losses, names)).toEqual([]);
    expect(names.filter((n, i) => names.indexOf(n) !== i), 'listed twice').toEqual([]);
  });

  it('every function is fuzzed (the fuzzer takes its generators from the catalogue)', () => {
    expect(lacking('not fuzzed (GENERATORS in test/fuzz/fuzz.mjs)', losses, FUZZED)).toEqual([]);
  });

  it("each entry's args are the function's positional arguments (then the options)", () => {
    const wrong = CATALOG.filter((e) => api[e.name].length !== e.args.length + 1 || api[`${e.name}WithGrad`].length !== e.args.length + 1).map((e) => `${e.name}: ${api[e.name].length} parameters, the catalogue lists ${e.args.length} arguments and the options`);
    expect(wrong).toEqual([]);
    expect(CATALOG.filter((e) => !e.grads.every((g) => e.args.includes(g))).map((e) => e.name), 'grads that are not arguments').toEqual([]);
  });

  it("each entry's grads are the gradients WithGrad returns for its sample calls (those of float tensors)", () => {
    const isFloat = (a: unknown): boolean => a instanceof Float32Array || a instanceof Float64Array || (typeof a === 'object' && a !== null && 'data' in a && isFloat((a as { data: unknown }).data));
    const wrong: string[] = [];
    for (const dtype of ['float32', 'float64'] as const) {
      const calls = makeCalls(lib, dtype);
      for (const e of CATALOG) {
        calls[e.name].forEach((args, i) => {
          const want = e.grads.filter((g) => isFloat(args[e.args.indexOf(g)])).length;
          const got = api[`${e.name}WithGrad`](...args).grads.length;
          if (got !== want) wrong.push(`${dtype} ${e.name} #${i}: ${got} gradients, the catalogue's grads give ${want}`);
        });
      }
    }
    expect(wrong).toEqual([]);
  });
});
