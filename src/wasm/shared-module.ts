// A module's bytes for threads (src/wasm/pool.ts): importing the memory as shared, and without
// data segments for a worker's instance. Loaded only with the threads (a chunk of its own).
import { host } from './threads-host';

/**
 * A module's bytes with its memory import made shared: the import's limits flag becomes 0x03
 * (shared, with a maximum) and the maximum SHARED_MAX_PAGES (WebAssembly core spec 5.3.8, limits;
 * the threads proposal's flag). Everything else is byte for byte the plain build (asc's
 * --sharedMemory build differs from it only there), so the shared variant is made here rather
 * than shipped twice.
 */
export function withSharedMemoryImport(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return rewriteSections(bytes, 2, (body) => sharedImports(body));
}

/**
 * A module's bytes for a worker's instance: without its data segments (section 11, and the data
 * count, 12), which the caller's instance placed already. Instantiating a module writes its active
 * segments again, and one of them is a kernel's working list (cross-entropy's CANCEL): writing it
 * while the caller's kernel uses it would corrupt that call.
 */
export function withoutDataSegments(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return rewriteSections(rewriteSections(bytes, 11, () => null), 12, () => null);
}

/** Reads an unsigned LEB128 at `at`: [value, next position]. */
function readLeb(bytes: Uint8Array, at: number): [number, number] {
  let r = 0, shift = 0, b;
  do { b = bytes[at++]; r += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [r, at];
}

function leb(n: number): number[] {
  const out: number[] = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}

/** The module with each section `id` replaced by what `edit` makes of its body (null drops it). */
function rewriteSections(bytes: Uint8Array, id: number, edit: (body: Uint8Array) => number[] | null): Uint8Array<ArrayBuffer> {
  let p = 8;
  let last = 0;
  const out: Uint8Array[] = [];
  while (p < bytes.length) {
    const start = p;
    const sid = bytes[p++];
    const [size, body] = readLeb(bytes, p);
    const end = body + size;
    if (sid === id) {
      out.push(bytes.subarray(last, start));
      const b = edit(bytes.subarray(body, end));
      if (b) out.push(new Uint8Array([sid, ...leb(b.length), ...b]));
      last = end;
    }
    p = end;
  }
  out.push(bytes.subarray(last));
  const total = out.reduce((s, a) => s + a.length, 0);
  const r = new Uint8Array(total);
  let q = 0;
  for (const a of out) { r.set(a, q); q += a.length; }
  return r;
}

/** The import section's body with its memory import made shared, with SHARED_MAX_PAGES as its maximum. */
function sharedImports(body: Uint8Array): number[] {
  let p = 0;
  const u32 = () => { const [v, n] = readLeb(body, p); p = n; return v; };
  for (let n = u32(); n > 0; n--) {
    let len = u32();
    p += len; // module name
    len = u32();
    p += len; // field name
    const kind = body[p++];
    if (kind === 0) { u32(); continue; } // function: type index
    if (kind === 1) { p++; const f = body[p++]; u32(); if (f & 1) u32(); continue; } // table
    if (kind === 3) { p += 2; continue; } // global: type, mutability
    if (kind !== 2) throw new Error(`simdloss: unexpected import kind ${kind}`);
    const limitsAt = p;
    const flag = body[p++];
    const min = u32();
    if (flag & 1) u32();
    return [...body.subarray(0, limitsAt), 0x03, ...leb(min), ...leb(host.SHARED_MAX_PAGES), ...body.subarray(p)];
  }
  throw new Error('simdloss: a module without a memory import');
}


