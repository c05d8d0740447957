/**
 * One measuring method for every contender: a hand loop, so nothing of a benchmark
 * library's per-iteration bookkeeping lands inside sub-microsecond operations.
 *
 * Each task is calibrated to a batch of iterations that takes a few milliseconds (one
 * clock read per batch, not per op), warmed up, then timed in rounds that visit the
 * tasks in turn. Interleaving rounds spreads any drift of the machine's load (other
 * processes, GC of an earlier task) over all contenders instead of one; the figure
 * kept is the median of the rounds.
 */
import { performance } from 'node:perf_hooks';

/** A timed operation: `run` does one op (one round trip) and returns what it made, so it is not optimized away. */
export interface Task {
  readonly name: string;
  run(): unknown;
}

/** How long to measure. */
export interface MeasureOptions {
  /** Rounds over all tasks; the median round is kept. @default 5 */
  rounds?: number;
  /** Milliseconds of each task in each round (at least one batch). @default 250 */
  roundMs?: number;
  /** Milliseconds each task runs before timing. @default 300 */
  warmupMs?: number;
}

/** Median ops/s of each task, and how spread its rounds were. */
export interface Measured {
  readonly name: string;
  readonly opsPerSec: number;
  /** (max - min) / median of the rounds' rates, as a fraction. */
  readonly spread: number;
}

const BATCH_MS = 5;

/** Written to by every op, read at the end, so no op is dead code. */
let sink: unknown;

/** Measures each task's ops/s. */
export function measure(tasks: readonly Task[], options: MeasureOptions = {}): Measured[] {
  const rounds = options.rounds ?? 5;
  const roundMs = options.roundMs ?? 250;
  const warmupMs = options.warmupMs ?? 300;
  const batches = tasks.map((task) => calibrate(task));
  tasks.forEach((task, i) => runFor(task, batches[i] as number, warmupMs));
  const rates: number[][] = tasks.map(() => []);
  for (let r = 0; r < rounds; r++) {
    tasks.forEach((task, i) => (rates[i] as number[]).push(runFor(task, batches[i] as number, roundMs)));
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return tasks.map((task, i) => {
    const sorted = [...(rates[i] as number[])].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    return { name: task.name, opsPerSec: median, spread: ((sorted.at(-1) as number) - (sorted[0] as number)) / median };
  });
}

/** The number of ops that takes about {@link BATCH_MS}. */
function calibrate(task: Task): number {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) sink = task.run();
    const elapsed = performance.now() - start;
    if (elapsed >= BATCH_MS || batch >= 1 << 20) return batch;
    batch = elapsed < BATCH_MS / 16 ? batch * 8 : batch * 2;
  }
}

/** Runs whole batches for at least `ms` (and at least one batch); returns ops/s. */
function runFor(task: Task, batch: number, ms: number): number {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < batch; i++) sink = task.run();
    ops += batch;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (ops * 1000) / elapsed;
}
