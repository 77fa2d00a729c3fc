// The values an example's comments state, checked: test/types.test.ts runs the @example blocks and
// the README's TypeScript, test/readme.test.ts the README's JavaScript, each through this.

/**
 * An example's code with each statement whose comment states its value followed by a check that
 * the value, rounded to the comment's decimals, is that: a number (`f(x); // 0.3974`,
 * `// 0.3974, a number`, `// (0 + 0.7071) / 2 = 0.3536`), a typed array
 * (`// Float32Array [0, 0, -1.333]`; `≈` entries are not checked) or a shape (`// [2, 2]`); an
 * arrow's value (`// F.cross_entropy(logits, target) → 0.39743…`), `…` marking digits cut off
 * (checked to ±1 in the last digit shown, from below).
 */
export function checkingStatedValues(code: string, name: string): { code: string; count: number } {
  let count = 0;
  const num = String.raw`-?\d+(?:\.\d+)?`;
  const stated = (comment: string): string | null => {
    let m = new RegExp(`^(${num})(?:,.*)?$`).exec(comment) ?? new RegExp(`= (${num})$`).exec(comment) ?? new RegExp(`→ (${num}…?)$`).exec(comment);
    if (m) return m[1];
    m = /(?:Float32Array|Float64Array) \[([^\]]*)\]/.exec(comment) ?? /^\[([-\d., ]*)\]$/.exec(comment);
    if (m) return `[${m[1].split(',').map((e) => (new RegExp(`^\\s*${num}\\s*$`).test(e) ? e.trim() : 'null')).join(', ')}]`;
    return null;
  };
  const lines = code.split('\n').map((line, k) => {
    const m = /^(\s*)(.*?);\s*\/\/\s*(.*?)\s*$/.exec(line);
    const want = m && stated(m[3]);
    if (!m || !want) return line;
    const [, indent, stmt] = m;
    const where = JSON.stringify(`${name}'s example, line ${k + 1}`);
    const check = (v: string) => `__stated(${v}, ${JSON.stringify(want)}, ${where})`;
    count++;
    const decl = /^(const|let)\s+(\w+)(\s*:[^=]+)?\s*=\s*(.*)$/.exec(stmt);
    return decl ? `${indent}${stmt}; ${check(decl[2])};` : `${indent}${check(`(${stmt})`)};`;
  });
  // the stated text keeps its decimals: 0.881 is checked to ±0.0005
  const helper = String.raw`const __stated = (v, text, where) => {
    const close = (x, t) => {
      const cut = t.endsWith('…'), s = cut ? t.slice(0, -1) : t, d = (s.split('.')[1] ?? '').length;
      return cut ? Math.abs(x) >= Math.abs(Number(s)) && Math.abs(x - Number(s)) < 10 ** -d : Math.abs(x - Number(s)) <= 0.5 * 10 ** -d * (1 + 1e-9);
    };
    const fail = () => { throw new Error(where + ': the call gives ' + (typeof v === 'number' ? v : JSON.stringify(Array.from(v ?? []))) + ', the comment says ' + text); };
    if (text.startsWith('[')) {
      const want = text.slice(1, -1).split(',').map((e) => e.trim());
      if (!v || typeof v.length !== 'number' || v.length !== want.length) fail();
      want.forEach((t, i) => { if (t !== 'null' && !close(v[i], t)) fail(); });
    } else if (typeof v === 'number' && !close(v, text)) fail();
    return v;
  };`;
  return { code: `${code.split('\n').filter((l) => /^\s*import /.test(l)).join('\n')}\n${helper}\n${lines.filter((l) => !/^\s*import /.test(l)).join('\n')}`, count };
}
