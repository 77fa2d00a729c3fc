import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build as esbuild } from 'esbuild';
import { rollup, type Plugin as RollupPlugin } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import { defineConfig } from 'tsup';
import ts from 'typescript';

/**
 * Type-checks src/ (what tsup's own `dts` did: rollup-plugin-dts emits declarations without
 * checking). A type error fails the build.
 */
function typeCheck(): void {
  const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.json could not be read');
  const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram(['src/index.ts', 'src/tfjs/index.ts'], config.options));
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: ts.sys.getCurrentDirectory, getNewLine: () => '\n' };
    throw new Error(`type errors in src/:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
}

/**
 * The public declarations, bundled into one file per module format with a declaration map
 * (go-to-definition lands in `src/` in a checkout or a linked package). The maps carry their
 * sources' text: the tarball ships no `src/`, whose imports of the generated, unshipped
 * `src/wasm/modules/` would dangle. tsup's own `dts` turns declaration
 * maps off, hence rollup-plugin-dts directly. `stripInternal` drops members marked `@internal`
 * (WasmTensor's constructor, whose `Arena` parameter is not public).
 */
async function buildDeclarations(): Promise<void> {
  const bundle = await rollup({
    input: 'src/index.ts',
    plugins: [
      dts({
        sourcemap: true,
        tsconfig: 'tsconfig.json',
        compilerOptions: { declarationMap: true, stripInternal: true, types: [] },
      }),
    ],
  });
  try {
    // One text for both: the .d.cts is what `require` consumers resolve (see package.json "exports").
    for (const file of ['dist/index.d.ts', 'dist/index.d.cts']) {
      await bundle.write({ file, format: 'es', sourcemap: true });
      inlineSources(`${file}.map`);
    }
  } finally {
    await bundle.close();
  }
}

/** A declaration map with its sources' text, so that it works without the unshipped src/. */
function inlineSources(mapFile: string): void {
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; sourcesContent?: string[] };
  map.sourcesContent = map.sources.map((s) => readFileSync(join(dirname(mapFile), s), 'utf8'));
  writeFileSync(mapFile, JSON.stringify(map));
}

/**
 * simdloss/tfjs (src/tfjs/) imports the library as '../index'; built, that is the package's own
 * main entry ('simdloss'), so that an app holds one copy of the library and of its wasm memory.
 */
const fromTfjsDir = (importer: string | undefined) => importer !== undefined && /src[\\/]tfjs$/.test(dirname(importer));
const TFJS_EXTERNAL = ['@tensorflow/tfjs-core'];

/** dist/tfjs.{js,cjs} and their types: built after the main entry, which leaves the main bundle as it was. */
async function buildTfjs(): Promise<void> {
  for (const [format, ext] of [['esm', 'js'], ['cjs', 'cjs']] as const) {
    await esbuild({
      entryPoints: ['src/tfjs/index.ts'],
      outfile: `dist/tfjs.${ext}`,
      bundle: true,
      format,
      platform: 'neutral',
      target: 'es2022',
      sourcemap: true,
      external: TFJS_EXTERNAL,
      logLevel: 'warning',
      plugins: [{
        name: 'simdloss-main-entry',
        setup(b) {
          b.onResolve({ filter: /^\.\.\/index$/ }, (a) => (fromTfjsDir(a.importer) ? { path: 'simdloss', external: true } : undefined));
        },
      }],
    });
  }
  const mainEntry: RollupPlugin = {
    name: 'simdloss-main-entry',
    resolveId: (source, importer) => (source === '../index' && fromTfjsDir(importer) ? { id: 'simdloss', external: true } : null),
  };
  const bundle = await rollup({
    input: 'src/tfjs/index.ts',
    external: TFJS_EXTERNAL,
    plugins: [mainEntry, dts({ sourcemap: true, tsconfig: 'tsconfig.json', compilerOptions: { declarationMap: true, stripInternal: true, types: [] } })],
  });
  try {
    for (const file of ['dist/tfjs.d.ts', 'dist/tfjs.d.cts']) {
      await bundle.write({ file, format: 'es', sourcemap: true });
      inlineSources(`${file}.map`);
    }
  } finally {
    await bundle.close();
  }
}

/**
 * The JavaScript source maps carry their sources' text (they work without `src/`), except for the
 * generated modules (src/wasm/modules/): their bytes, replaced by a line that says where they come from.
 */
function trimSourceMaps(): void {
  const maps = ['dist/index.js.map', 'dist/index.cjs.map', ...readdirSync('dist/relaxed').filter((f) => f.endsWith('.map')).map((f) => `dist/relaxed/${f}`)];
  for (const file of maps) {
    const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    let trimmed = 0;
    map.sources.forEach((s, i) => {
      if (!/src\/wasm\/modules\/[^/]+\.ts$/.test(s) || s.endsWith('layout.ts') || !map.sourcesContent) return;
      map.sourcesContent[i] = '// Generated by scripts/build-wasm.mjs: a family\'s WebAssembly module (assembly/) as hex, left out of this map.\n';
      trimmed++;
    });
    // the threads' chunks (src/wasm/threads.ts and what it shares with the main entry) hold no module
    if (trimmed === 0 && !/relaxed\/(threads|chunk)[^/]*\.map$/.test(file)) throw new Error(`${file}: no src/wasm/modules/*.ts to trim`);
    writeFileSync(file, JSON.stringify(map));
  }
}

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: false,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  sourcemap: true,
  treeshake: true,
  // ESM: the relaxed-SIMD builds are chunks that init() imports (src/wasm/modules/*.relaxed.ts)
  splitting: true,
  esbuildOptions(options) {
    options.chunkNames = 'relaxed/[name]';
  },
  onSuccess: async () => {
    typeCheck();
    trimSourceMaps();
    await buildDeclarations();
    await buildTfjs();
  },
});
