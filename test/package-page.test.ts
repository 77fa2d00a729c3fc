// What npm shows and ships: the package.json fields of the package page, and a README whose links
// work from the tarball (every relative link and image is a file `npm pack` includes).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, normalize, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
const REPO = 'https://github.com/simdloss/simdloss';

/** The files `npm pack` puts in the tarball (npm test has built dist/ first). */
function packed(): Set<string> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const [info] = JSON.parse(out) as { files: { path: string }[] }[];
  return new Set(info.files.map((f) => f.path));
}

/** Relative link and image targets of a markdown file, with the file they appear in. */
function links(file: string): { from: string; target: string }[] {
  const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((t) => !/^[a-z]+:/i.test(t))
    .map((target) => ({ from: file, target }));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

describe('package page', () => {
  it('names the repository, homepage, issue tracker and author', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git` });
    expect(pkg.homepage).toBe(`${REPO}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPO}/issues` });
    expect(typeof pkg.author === 'string' && pkg.author.length > 0).toBe(true);
  });

  it('has an Install section for users: npm i simdloss and a first example', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const install = readme.split(/^## /m).find((s) => s.startsWith('Install\n'));
    expect(install).toBeDefined();
    expect(install).toContain('npm i simdloss');
    expect(install).toMatch(/```ts\nimport \{[^}]+\} from 'simdloss';/);
  });

  const files = packed();

  it('ships the built entry points, their types and maps, each map with its sources\' text', () => {
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/index.js.map', 'dist/index.cjs.map',
      'dist/index.d.ts.map', 'dist/index.d.cts.map', 'README.md', 'LICENSE', 'package.json',
      'dist/tfjs.js', 'dist/tfjs.cjs', 'dist/tfjs.d.ts', 'dist/tfjs.d.cts', 'docs/training.md']) {
      expect(files, f).toContain(f);
    }
    // The maps carry their sources' text, so they work without src/, which the tarball leaves out
    // (test/semantics-round3.test.ts).
    for (const map of ['dist/index.d.ts.map', 'dist/index.d.cts.map', 'dist/tfjs.d.ts.map', 'dist/tfjs.d.cts.map',
      'dist/index.js.map', 'dist/index.cjs.map', 'dist/tfjs.js.map', 'dist/tfjs.cjs.map']) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[]; sourcesContent: unknown[] };
      expect(sourcesContent.length).toBe(sources.length);
      for (const c of sourcesContent) expect(typeof c).toBe('string');
    }
  });

  it('has README links and images that work from the tarball', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const headings = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1])));
    const shippedDocs = [...files].filter((f) => f.endsWith('.md'));
    const all = shippedDocs.flatMap(links);
    expect(all.length).toBeGreaterThan(3);
    for (const { from, target } of all) {
      const [path, hash] = target.split('#');
      if (path === '') {
        if (from === 'README.md') expect(headings, `${from} links #${hash}`).toContain(hash);
        continue;
      }
      const file = normalize(posix.join(posix.dirname(from), path)).split('\\').join('/');
      expect(files, `${from} links ${target}`).toContain(file);
    }
  });
});
