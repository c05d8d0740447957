/**
 * The check every codec's output must pass once before it is timed: the same classes
 * (prototype for prototype) and the same values, through arrays, Date, Set and Map.
 */

/** How strict the check is: peers must revive classes; the floors only keep values. */
export interface DeepCheckOptions {
  /** Compare prototypes too (false for the floors, which give plain objects). @default true */
  classes?: boolean;
}

/** Throws an Error naming the first path where `actual` differs from `expected`. */
export function deepCheck(expected: unknown, actual: unknown, options: DeepCheckOptions = {}): void {
  compare(expected, actual, 'root', options.classes ?? true);
}

function compare(expected: unknown, actual: unknown, path: string, classes: boolean): void {
  if (expected === null || expected === undefined || typeof expected !== 'object') {
    // undefined and null are one "no value" on every wire the peers speak.
    if ((expected ?? null) !== (actual ?? null) && !(Number.isNaN(expected) && Number.isNaN(actual))) {
      fail(path, `${String(expected)}`, describe(actual));
    }
    return;
  }
  if (actual === null || typeof actual !== 'object') fail(path, describe(expected), describe(actual));
  if (classes && Object.getPrototypeOf(expected) !== Object.getPrototypeOf(actual)) {
    fail(path, `an instance of ${describe(expected)}`, describe(actual));
  }
  if (expected instanceof Date) {
    if (!is(actual, 'Date') || actual.getTime() !== expected.getTime()) fail(path, expected.toISOString(), describe(actual));
    return;
  }
  if (expected instanceof Set) {
    if (!is(actual, 'Set') || actual.size !== expected.size) fail(path, `a Set of ${expected.size}`, describe(actual));
    for (const item of expected) if (!actual.has(item)) fail(path, `a Set holding ${String(item)}`, 'a Set without it');
    return;
  }
  if (expected instanceof Map) {
    if (!is(actual, 'Map') || actual.size !== expected.size) fail(path, `a Map of ${expected.size}`, describe(actual));
    for (const [key, value] of expected) {
      if (!actual.has(key)) fail(path, `a Map with key ${String(key)}`, 'a Map without it');
      compare(value, actual.get(key), `${path}.get(${JSON.stringify(key)})`, classes);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) fail(path, `an array of ${expected.length}`, describe(actual));
    expected.forEach((item, i) => compare(item, actual[i], `${path}[${i}]`, classes));
    return;
  }
  const want = expected as Record<string, unknown>;
  const got = actual as Record<string, unknown>;
  for (const key of Object.keys(want)) compare(want[key], got[key], `${path}.${key}`, classes);
}

/**
 * Tells built-ins by their tag rather than `instanceof`, which fails across realms
 * (`v8.deserialize` builds its Dates in the main realm, which a jest test does not run in).
 */
function is<K extends 'Date' | 'Set' | 'Map'>(value: unknown, kind: K): value is { Date: Date; Set: Set<unknown>; Map: Map<unknown, unknown> }[K] {
  return Object.prototype.toString.call(value) === `[object ${kind}]`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `${typeof value} ${String(value)}`;
  const proto: unknown = Object.getPrototypeOf(value);
  const name = (proto as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name === undefined || name === 'Object' ? 'a plain object' : `a ${name}`;
}

function fail(path: string, expected: string, actual: string): never {
  throw new Error(`deep check failed at ${path}: expected ${expected}, got ${actual}`);
}
