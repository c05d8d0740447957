import type { OonError } from '@oon/core';

/**
 * What handing a message to a peer gave, known at once: the promise of its write (it
 * may still wait for the socket or for room in a session's window), or the error that
 * refused it (nothing was sent or kept). `broadcast()` reads it to count what happened
 * per peer without waiting on any of them; `send()` turns it into a promise.
 */
export type SendOutcome = Promise<void> | OonError;

const ignore = (): void => {};

/**
 * Marks `promise` as handled and returns it: an app that drops a `send()`'s promise is
 * not ended by an unhandled rejection (Node ends the process on one), while one that
 * awaits it still gets the rejection. OON's own send promises are all made this way;
 * the failures they carry are also reported as `'error'` events where they drop a link.
 */
export function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(ignore);
  return promise;
}

/** A rejected promise, already marked handled ({@link quietly}). */
export function rejectedQuietly(error: Error): Promise<never> {
  return quietly(Promise.reject(error));
}

/** The promise of a {@link SendOutcome}: the write's, or a (handled) rejection with the refusal. */
export function settle(outcome: SendOutcome): Promise<void> {
  return outcome instanceof Error ? rejectedQuietly(outcome) : outcome;
}
