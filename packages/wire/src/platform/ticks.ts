/**
 * When deferred work runs, the same in Node and the browser. In Node, `process.nextTick`
 * runs once the microtasks queued so far have run too, so a batch gathers everything a
 * burst of promise continuations writes; `queueMicrotask` is the browser's nearest.
 * Node's globals are read from `globalThis`, so a bundler sees no `process` to shim.
 */

const g = globalThis as {
  process?: { nextTick?: (fn: () => void) => void };
  setImmediate?: (fn: () => void) => unknown;
  clearImmediate?: (handle: unknown) => void;
};

/** Runs `fn` once the current task and the microtasks it queued are done, before any I/O. */
export const afterTick: (fn: () => void) => void = typeof g.process?.nextTick === 'function' ? g.process.nextTick.bind(g.process) : (fn) => queueMicrotask(fn);

/**
 * Runs `fn` after the I/O already waiting (Node's `setImmediate`; elsewhere a zero
 * timeout); returns what cancels it.
 */
export function afterIo(fn: () => void): () => void {
  if (g.setImmediate !== undefined && g.clearImmediate !== undefined) {
    const handle = g.setImmediate(fn);
    return () => g.clearImmediate?.(handle);
  }
  const handle = setTimeout(fn, 0);
  return () => clearTimeout(handle);
}
