/**
 * The transport half run in forks, as JMH runs a benchmark: each fork is a fresh sender
 * process (`fork-run.ts`) with fresh receivers of its own, and the figures are taken over
 * every fork's rounds.
 *
 * Why: V8 compiles a hot path once per process, and what it inlines there (its budget is
 * about 920 bytes of bytecode) depends on the order in which the process met the code, so
 * one line's one-way rate sits at one of a few levels for the life of a process (OON
 * without a session: 5.2M msgs/s in one process, 5.8M in another, on the same build).
 * Rounds within one process cannot average that out; fresh processes can.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { Pinning } from './pinning';
import { summarizeForks, type TransportBenchOptions, type TransportResult, type TransportSamples } from './transport-bench';

/** What the bench tells a fork: the transports to run, by name, and how. */
export interface ForkOrder {
  readonly names: readonly string[];
  readonly options: TransportBenchOptions;
}

/** What a fork answers: its measurements, or why it failed. */
export type ForkReport = { readonly type: 'samples'; readonly samples: TransportSamples[]; readonly pinning: Pinning } | { readonly type: 'error'; readonly message: string };

/**
 * Runs the transports named in `forks` fresh sender processes, one after another (each
 * with receivers of its own, as `benchTransports` runs them), and summarizes every fork's
 * rounds together. `onFork` hears each fork's results as it ends.
 */
export async function benchTransportsInForks(
  names: readonly string[],
  options: TransportBenchOptions,
  forks: number,
  onFork?: (fork: number, results: TransportResult[]) => void,
): Promise<{ results: TransportResult[]; pinning: Pinning }> {
  const all: TransportSamples[][] = [];
  let pinning: Pinning | undefined;
  for (let f = 0; f < forks; f++) {
    const report = await runFork({ names, options });
    all.push(report.samples);
    pinning ??= report.pinning;
    onFork?.(f, summarizeForks([report.samples]));
  }
  return { results: summarizeForks(all), pinning: pinning ?? { pinned: false, why: 'no fork ran' } };
}

function runFork(order: ForkOrder): Promise<Extract<ForkReport, { type: 'samples' }>> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'fork-run.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: ForkReport | undefined;
    child.on('message', (message: ForkReport) => (report = message));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (report?.type === 'samples') resolve(report);
      else reject(new Error(report?.type === 'error' ? report.message : `a transport bench fork exited (code ${String(code)}, signal ${String(signal)}) without its figures`));
    });
    child.send(order);
  });
}
