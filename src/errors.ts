// Error construction: every message names the function and the argument, says what was
// expected and what was given.

/** A short description of a value for error messages: `Int32Array(5)`, `'avg'`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    return 'length' in value ? `${name}(${(value as unknown as { length: number }).length})` : name;
  }
  if (typeof value === 'object') return value.constructor && value.constructor !== Object ? value.constructor.name : 'object';
  return typeof value;
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function typeError(fn: string, what: string, expected: string, got: unknown): TypeError {
  return new TypeError(`${fn}: ${what} must be ${expected}; got ${describe(got)}`);
}

export function rangeError(fn: string, message: string): RangeError {
  return new RangeError(`${fn}: ${message}`);
}
