/** What the stalled-peers programs tell the test that forked them, over the IPC channel. */

/** An `OonError` as a report carries it. */
export interface ErrorReport {
  readonly code: string;
  readonly message: string;
}

/** How a promise the program awaited settled, and after how many milliseconds. */
export interface Settled {
  readonly status: 'fulfilled' | 'rejected';
  readonly ms: number;
  readonly error?: ErrorReport;
}

/** `broadcast()` results added up over a run. */
export interface BroadcastTotals {
  delivered: number;
  evicted: number;
  failed: number;
}

/** A message from a program to its test. `port` is the remote port of the link it is about. */
export type Report =
  | { readonly kind: 'listening'; readonly port: number }
  | { readonly kind: 'connected' }
  | { readonly kind: 'connection'; readonly port: number }
  | { readonly kind: 'error'; readonly port?: number; readonly error: ErrorReport }
  | { readonly kind: 'disconnect'; readonly port?: number; readonly reason: string }
  | { readonly kind: 'loss'; readonly port?: number; readonly count: number }
  | { readonly kind: 'settled'; readonly what: string; readonly settled: Settled }
  | {
      readonly kind: 'done';
      readonly totals?: BroadcastTotals;
      readonly rssBefore: number;
      readonly rssPeak: number;
      /** A client's status at the end. */
      readonly status?: string;
      /** The peers a server still has at the end (connected, or with a session kept for them). */
      readonly peers?: number;
    };

/** A message from the test to a program. */
export type Command =
  | { readonly kind: 'broadcast'; readonly count: number; readonly bytes: number; readonly stuckPort: number; readonly dropPromises: boolean }
  | { readonly kind: 'feed'; readonly bytes: number; readonly intervalMs: number; readonly durationMs: number }
  | { readonly kind: 'stopped' };

/** Sends a report to the parent process. */
export function report(message: Report): void {
  process.send?.(message);
}

/** Reports how `promise` settles, under `what`; the promise is awaited here, not dropped. */
export function reportSettled(what: string, promise: Promise<unknown>): void {
  const start = performance.now();
  const done = (status: Settled['status'], err?: unknown): void => {
    const ms = Math.round(performance.now() - start);
    const error = err === undefined ? undefined : errorReport(err);
    report({ kind: 'settled', what, settled: error === undefined ? { status, ms } : { status, ms, error } });
  };
  promise.then(
    () => done('fulfilled'),
    (err: unknown) => done('rejected', err),
  );
}

/** An error as a report carries it. */
export function errorReport(err: unknown): ErrorReport {
  const { code, message } = err as { code?: unknown; message?: unknown };
  return { code: String(code), message: String(message) };
}

/** Runs `handle` for each command from the parent; the program ends when the parent disconnects. */
export function onCommand(handle: (command: Command) => void): void {
  process.on('message', (message) => handle(message as Command));
  process.once('disconnect', () => process.exit(0));
}

/** The options the parent passed as the program's JSON argument. */
export function optionsArgument<T>(index = 2): T {
  return JSON.parse(process.argv[index] ?? '{}') as T;
}
