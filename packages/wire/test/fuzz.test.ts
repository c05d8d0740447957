/**
 * Property-based fuzzing of every decoder that reads a peer's bytes: random and mutated
 * input only ever yields a decoded value or an `OonError`, never another exception, a
 * hang or a crash. A fixed seed, a few thousand runs in the default suite; `pnpm fuzz`
 * runs the same properties a million times (`FUZZ_RUNS`, `FUZZ_SEED`).
 */
import fc from 'fast-check';
import { OonError } from '@oon/core';
import { FUZZ_TARGETS, type FuzzTarget } from './fuzz/targets';
import { cuts, mutated } from './fuzz/mutations';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261127);
/** Generous: the machine is shared, and `pnpm fuzz` runs for as long as it takes. */
const TIMEOUT_MS = Math.max(120_000, RUNS * 10);

/** Decodes, and fails the property if anything but an `OonError` is thrown. */
function onlyValueOrOonError(target: FuzzTarget, bytes: Uint8Array, pieces: readonly number[]): void {
  try {
    target.decode(bytes, pieces);
  } catch (err) {
    if (err instanceof OonError && err.code === 'BadData') return;
    throw new Error(`${target.name} threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err });
  }
}

describe.each(FUZZ_TARGETS.map((target) => [target.name, target] as const))('fuzzing the %s', (_name, target) => {
  const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

  it(
    'decodes valid input',
    () => fc.assert(fc.property(target.valid, cuts, (bytes, pieces) => void target.decode(bytes, pieces)), params),
    TIMEOUT_MS,
  );

  it(
    'yields only a value or BadData for mutated input (bit flips, truncations, lengths at the limits, hostile tokens)',
    () => fc.assert(fc.property(mutated(target.valid), cuts, (bytes, pieces) => onlyValueOrOonError(target, bytes, pieces)), params),
    TIMEOUT_MS,
  );

  it(
    'yields only a value or BadData for random bytes',
    () => fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), cuts, (bytes, pieces) => onlyValueOrOonError(target, bytes, pieces)), params),
    TIMEOUT_MS,
  );
});
