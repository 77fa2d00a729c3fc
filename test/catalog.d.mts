// Types of catalog.mjs (plain JS so that the browser pages and the fuzzer script import it as is).
export { rng } from './random.mjs';

/** A family: its one-function app for the bundle-size table (scripts/bundle-sizes.mjs). */
export interface Family { name: string; bundle: string; label?: string }
export const FAMILIES: Family[];

/** The sample inputs of one dtype (sampleInputs). */
export type Samples = Record<string, any>;
/** The fuzzer's random helpers (tools). */
export type Tools = Record<string, any>;

export interface Entry {
  name: string;
  family: string;
  args: string[];
  grads: string[];
  options: string[];
  /** Always a number (no reduction): takes no options.out. */
  scalar?: boolean;
  samples(s: Samples): unknown[][];
  fuzz(t: Tools): [unknown[], Record<string, unknown> | undefined];
}
export const CATALOG: Entry[];
export const FUNCTIONS: string[];
export function optionsOf(e: Entry): string[];
export function sampleInputs(sl: Record<string, unknown>, dtype: 'float32' | 'float64'): Samples;
export function tools(random: () => number, dtype: 'float32' | 'float64'): Tools;
export function makeCalls(sl: Record<string, unknown>, dtype: 'float32' | 'float64'): Record<string, unknown[][]>;
