/**
 * Where the transport bench's two processes run. A round trip's latency depends on the
 * cores the scheduler picks: sender and receiver on one core, ~30 µs; on two, each hop
 * waking an idle core, ~55-90 µs. The kernel picks again every few seconds and can keep
 * one pair on one core for a whole run while another pair straddles two (one full run:
 * raw net 36 µs, OON without a session 43, with one 78; in another, 84 against 81 and
 * 88). Pinned, the sender to the first CPU and every receiver to the second, each line
 * meets the same placement, so the lines compare their code, not their luck.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The sender's and the receivers' CPUs, or why the processes run unpinned. */
export type Pinning = { readonly pinned: true; readonly sender: number; readonly receiver: number } | { readonly pinned: false; readonly why: string };

/** Pins this process (every thread) to the sender's CPU, when the machine and `taskset` allow it. */
export function pinSender(): Pinning {
  if (process.platform !== 'linux') return { pinned: false, why: 'not Linux' };
  if (availableParallelism() < 2) return { pinned: false, why: 'one CPU' };
  try {
    setAffinity(process.pid, '0');
  } catch (err) {
    return { pinned: false, why: `taskset (util-linux) failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
  return { pinned: true, sender: 0, receiver: 1 };
}

/** Pins a receiver process to the receivers' CPU. */
export function pinReceiver(pinning: Pinning, pid: number | undefined): void {
  if (pinning.pinned && pid !== undefined) setAffinity(pid, String(pinning.receiver));
}

/** Lets this process run on every CPU again. */
export function unpin(pinning: Pinning): void {
  if (pinning.pinned) setAffinity(process.pid, `0-${availableParallelism() - 1}`);
}

/** A line for the report: where the processes ran. */
export function pinningLine(pinning: Pinning): string {
  return pinning.pinned
    ? `Pinned (taskset): the sender on CPU ${pinning.sender}, every receiver on CPU ${pinning.receiver}, so each line meets the same placement.`
    : `Not pinned (${pinning.why}): request latencies depend on where the scheduler put each pair of processes.`;
}

function setAffinity(pid: number, cpus: string): void {
  execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', cpus, String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
}
