// The published types, checked as a user's compiler sees them: tsc on consumer files against the
// built dist/*.d.ts (npm test builds first), under strict mode, lib es2022 alone and
// skipLibCheck false, with node16 and with bundler resolution. And every @example in the d.ts
// compiles under the same settings and runs against dist/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkingStatedValues } from './helpers/stated';

const root = join(__dirname, '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const dts = readFileSync(join(root, 'dist', 'index.d.ts'), 'utf8');

/** Runs tsc; returns its output (empty when the compile is clean) and whether it failed. */
function compile(project: string): { failed: boolean; output: string } {
  try {
    return { failed: false, output: execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' }) };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { failed: true, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** A scratch package whose node_modules/simdloss is this repository (dist/ through "exports"). */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'simdloss-types-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'simdloss'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  return dir;
}

function tsconfig(moduleResolution: 'node16' | 'bundler', files: string[]): string {
  return JSON.stringify({
    compilerOptions: {
      module: moduleResolution === 'node16' ? 'node16' : 'esnext', moduleResolution,
      target: 'es2022', lib: ['es2022'], types: [], strict: true, skipLibCheck: false, noEmit: true,
    },
    files,
  }, null, 2);
}

describe('types: the named kernel calls (src/wasm/modules/<family>.args.ts) follow the kernel list', () => {
  it('compiles test/types/kernel-names.ts: misspelled, missing or extra names, and values of the wrong kind, are errors (every @ts-expect-error used)', () => {
    const r = compile(join(root, 'test', 'types', 'tsconfig.kernels.json'));
    expect(r.output).toBe('');
    expect(r.failed).toBe(false);
  });
});

describe('types: a TypeScript consumer of dist/', () => {
  for (const mode of ['node16', 'bundler'] as const) {
    it(`compiles under ${mode} resolution, strict, lib es2022, skipLibCheck false (every @ts-expect-error used)`, () => {
      const r = compile(join(root, 'test', 'types', `tsconfig.${mode}.json`));
      expect(r.output).toBe('');
      expect(r.failed).toBe(false);
    });
  }

  it('compiles a consumer whose lib has Float16Array (lib esnext): a real Float16Array is taken and returned (every @ts-expect-error used)', () => {
    // consumer.ts above checks the structural Float16ArrayLike under lib es2022, which has no Float16Array
    const r = compile(join(root, 'test', 'types', 'tsconfig.f16.json'));
    expect(r.output).toBe('');
    expect(r.failed).toBe(false);
  });

  it('fails when a narrowing is wrong (the check can fail)', () => {
    // The consumer with one expectation turned around: 'none' is claimed to be a number. tsc must
    // reject it (as it rejects a type that widened: see the @ts-expect-error lines).
    const dir = scratch();
    const consumer = readFileSync(join(root, 'test', 'types', 'consumer.ts'), 'utf8');
    const claim = "const perSample: Float32Array = crossEntropy(f32x, t, { reduction: 'none' }).data;";
    expect(consumer).toContain(claim);
    writeFileSync(join(dir, 'consumer.ts'), consumer.replace(claim, "const perSample: number = crossEntropy(f32x, t, { reduction: 'none' });"));
    writeFileSync(join(dir, 'tsconfig.json'), tsconfig('node16', ['consumer.ts']));
    const r = compile(join(dir, 'tsconfig.json'));
    expect(r.failed).toBe(true);
    expect(r.output).toMatch(/consumer\.ts\(\d+,\d+\): error TS2322: Type 'Tensor<Float32Array(<ArrayBufferLike>)?>' is not assignable to type 'number'/);
  });

  it('leaks no internal types and needs no DOM or WebAssembly lib', () => {
    for (const name of ['Kernels', 'Arena', 'WebAssembly.', 'LossAndGrads', 'FloatTensor', 'Operand']) expect(dts).not.toContain(name);
    expect(dts).not.toMatch(/constructor\(/);
  });

  it('ships declaration maps that point into src/ and carry its text (the tarball has no src/)', () => {
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const text = readFileSync(join(root, 'dist', file), 'utf8');
      expect(text.trimEnd().endsWith(`//# sourceMappingURL=${file}.map`)).toBe(true);
      const map = JSON.parse(readFileSync(join(root, 'dist', `${file}.map`), 'utf8')) as { sources: string[]; sourcesContent: string[] };
      expect(map.sources).toContain('../src/losses/cross-entropy.ts');
      map.sources.forEach((s, i) => expect(map.sourcesContent[i], s).toBe(readFileSync(join(root, 'dist', s), 'utf8')));
    }
  });
});

describe('types: the API documentation', () => {
  it('builds with TypeDoc with no warnings (every export documented, no broken links), grouped by family, functions first', () => {
    // typedoc.json turns validation on and warnings into errors; the pages go to a temporary folder.
    const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
    const dir = mkdtempSync(join(tmpdir(), 'simdloss-typedoc-'));
    const json = join(dir, 'api.json');
    let output: string;
    try {
      output = execFileSync(process.execPath, [typedoc, '--out', join(dir, 'html'), '--json', json], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      output = `${err.stdout ?? ''}${err.stderr ?? ''}` || 'typedoc failed';
    }
    expect(output).not.toMatch(/warning|error/i);
    // Every export sits in a family's group (or Setup and memory, Types), never TypeDoc's kind
    // groups; within a group the functions come before the options interfaces.
    type Entry = { id: number; name: string; kind: number };
    const api = JSON.parse(readFileSync(json, 'utf8')) as { children: Entry[]; documents?: Entry[]; groups: Array<{ title: string; children: number[] }> };
    // typedoc.json's projectDocuments: the training guide is a page of the site, in the Documents group.
    expect(api.documents?.map((d) => d.name)).toEqual(['Training loop guide']);
    const byId = new Map([...api.children, ...(api.documents ?? [])].map((c) => [c.id, c]));
    expect(api.groups.map((g) => g.title)).not.toContain('Functions');
    expect(api.groups.map((g) => g.title)).not.toContain('Interfaces');
    const FUNCTION = 64, VARIABLE = 32, INTERFACE = 256;
    for (const g of api.groups) {
      const kinds = g.children.map((id) => byId.get(id)!.kind);
      const lastFunction = Math.max(...kinds.map((k, i) => (k === FUNCTION || k === VARIABLE ? i : -1)));
      const firstInterface = kinds.indexOf(INTERFACE);
      if (firstInterface >= 0 && lastFunction >= 0) expect(lastFunction, g.title).toBeLessThan(firstInterface);
    }
    expect(api.groups.find((g) => g.title === 'Cross-entropy')!.children.map((id) => byId.get(id)!.name)).toEqual(
      expect.arrayContaining(['crossEntropy', 'crossEntropyWithGrad', 'nllLoss', 'nllLossWithGrad', 'CrossEntropyOptions', 'NllLossOptions']));
  }, 180_000);
});

/**
 * The @example code blocks of the d.ts's doc comments: of functions, classes, and the functions
 * declared as consts (the box losses, defined by a table in src/losses/box-iou.ts).
 */
function examples(): { name: string; code: string }[] {
  const out: { name: string; code: string }[] = [];
  for (const m of dts.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(?:export )?declare (?:function|class|const) (\w+)/g)) {
    const body = m[1].split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n');
    for (const e of body.matchAll(/@example\n```ts\n([\s\S]*?)```/g)) out.push({ name: m[2], code: e[1] });
  }
  return out;
}

/** The README's TypeScript code blocks: compiled and run as the examples are. */
const readmeBlocks = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({ name: 'README', code: m[1] }));

describe('types: the @example of every export, and the README\'s TypeScript', () => {
  const list = [...examples(), ...readmeBlocks];
  const dir = scratch();
  const files = list.map((e, i) => {
    const file = `example-${i}-${e.name}.ts`;
    writeFileSync(join(dir, file), e.code);
    return file;
  });

  it('there is one for each exported function', () => {
    const functions = new Set([...dts.matchAll(/declare (?:function (\w+)|const (\w+): \w+<)/g)].map((m) => m[1] ?? m[2]));
    expect(functions.size).toBeGreaterThan(75);
    expect(new Set(list.filter((e) => e.name !== 'README').map((e) => e.name))).toEqual(functions);
    expect(readmeBlocks.length).toBeGreaterThan(0);
  });

  it('they compile (strict, lib es2022, node16)', () => {
    writeFileSync(join(dir, 'tsconfig.json'), tsconfig('node16', files));
    const r = compile(join(dir, 'tsconfig.json'));
    expect(r.output).toBe('');
  });

  it('they run against dist/, and every value a comment states (`f(x); // 0.3974`) is what the call gives', async () => {
    const ts = (await import('typescript')).default;
    let checked = 0;
    for (const [i, e] of list.entries()) {
      const { code, count } = checkingStatedValues(e.code, e.name);
      checked += count;
      const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
      const file = join(dir, files[i].replace(/\.ts$/, '.mjs'));
      writeFileSync(file, js);
      await expect(import(pathToFileURL(file).href), `${e.name}'s example`).resolves.toBeDefined();
    }
    expect(checked).toBeGreaterThan(10);
  });
});
