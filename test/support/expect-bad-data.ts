/** Synchronous checks shared by unit tests: a call that must throw (`BadData`, or anything). */
import { BadDataError, OonError } from '@oon/core';

/** Runs `fn`, expecting it to throw BadData, and returns the error after checking each message fragment. */
export function expectBadData(fn: () => unknown, ...fragments: string[]): BadDataError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(BadDataError);
  expect(caught).toBeInstanceOf(OonError);
  const err = caught as BadDataError;
  expect(err.code).toBe('BadData');
  for (const fragment of fragments) expect(err.message).toContain(fragment);
  return err;
}

/** Runs `fn`, expecting it to throw, and returns what it threw. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw, but nothing was thrown');
}
