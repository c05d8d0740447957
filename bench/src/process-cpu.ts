/**
 * CPU time of other processes, read from Linux's `/proc/<pid>/stat`: what the cluster
 * benchmarks use to say where the machine's cores went (publisher, other nodes, clients,
 * Redis), per delivered message. Elsewhere (no `/proc`) every reading is `undefined`.
 */
import { readFileSync } from 'node:fs';

/** User and system CPU time of one process, in milliseconds. */
export interface CpuTime {
  readonly user: number;
  readonly system: number;
}

/** Clock ticks per second of `/proc/<pid>/stat` (`sysconf(_SC_CLK_TCK)`, 100 on every Linux Node runs on). */
const TICKS_PER_SECOND = 100;

/** The CPU time process `pid` has used so far, or `undefined` when it cannot be read. */
export function cpuTimeOf(pid: number | undefined): CpuTime | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing paren): utime is the 14th field, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (field: number): number => (Number(fields[field - 3]) * 1000) / TICKS_PER_SECOND;
    return { user: ms(14), system: ms(15) };
  } catch {
    return undefined;
  }
}

/** The CPU time used between two readings of the same processes, summed; `undefined` if any reading failed. */
export function cpuBetween(before: readonly (CpuTime | undefined)[], after: readonly (CpuTime | undefined)[]): CpuTime | undefined {
  let user = 0;
  let system = 0;
  for (let i = 0; i < before.length; i++) {
    const [b, a] = [before[i], after[i]];
    if (b === undefined || a === undefined) return undefined;
    user += a.user - b.user;
    system += a.system - b.system;
  }
  return { user, system };
}
