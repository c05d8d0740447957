/**
 * A compiled program run with node as a real child process, its output read line by line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** A running program: what it printed so far, its exit, and a wait for a line. */
export interface NodeRun {
  readonly child: ChildProcess;
  /** Lines printed so far (stdout, and stderr when `withStderr`). */
  readonly lines: string[];
  /** Resolves with the exit code (`null` when killed). */
  readonly exited: Promise<number | null>;
  /** Resolves with the first line matching `pattern`; rejects if the program exits first. */
  nextLine(pattern: RegExp): Promise<RegExpMatchArray>;
}

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  /** Collect stderr lines too (else stderr goes to the test's own). @default false */
  withStderr?: boolean;
  /** Kill the program past this many milliseconds. @default 15000 */
  timeoutMs?: number;
  /** Give it a stdin pipe (`child.stdin`) to write commands to. @default false */
  withStdin?: boolean;
}

/** Runs `node file args`; fails at once if `file` is not built (`pnpm test` runs `tsc -b` first). */
export function runNode(file: string, args: string[] = [], options: RunNodeOptions = {}): NodeRun {
  if (!existsSync(file)) throw new Error(`${file} is not built: run \`tsc -b\` (pnpm test does) first`);
  const child = spawn(process.execPath, [file, ...args], {
    stdio: [options.withStdin === true ? 'pipe' : 'ignore', 'pipe', options.withStderr === true ? 'pipe' : 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  const collect = (line: string): void => {
    lines.push(line);
    waiters.splice(0).forEach((wake) => wake());
  };
  createInterface({ input: child.stdout! }).on('line', collect);
  if (child.stderr) createInterface({ input: child.stderr }).on('line', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill(), options.timeoutMs ?? 15_000);
  void exited.then(() => clearTimeout(timer));
  return {
    child,
    lines,
    exited,
    async nextLine(pattern) {
      for (;;) {
        for (const line of lines) {
          const match = line.match(pattern);
          if (match) return match;
        }
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${file} exited without printing ${String(pattern)}:\n${lines.join('\n')}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          void exited.then(() => resolve());
        });
      }
    },
  };
}
