/**
 * The `examples/reconnect` programs as real child processes, for tests that kill, stop
 * (SIGSTOP) and continue (SIGCONT) them. `pnpm test` builds them first (`tsc -b`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OonClient } from '@oon/client';
import { Tick } from '../../examples/reconnect/src/tick';

const DIST = join(__dirname, '..', '..', 'examples', 'reconnect', 'dist');

/** A running example program and the lines it printed. */
export interface ExampleProcess {
  readonly child: ChildProcess;
  /** Every whole line printed on stdout so far (a last one cut by a kill is not). */
  readonly lines: string[];
  /** The numbers of its `got <n>` lines (the ticks it received), in order. */
  readonly got: number[];
  /** Resolves with how it ended: the signal's name, or the exit code. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** Resolves with the first line (printed so far or later) that matches, failing after `ms` or if the process ends first. */
  line(pattern: RegExp, ms?: number): Promise<string>;
}

/** Starts and tracks example processes; `killAll()` (in `afterEach`) leaves none running. */
export interface ExampleProcesses {
  /** `node <dist>/<program>.js ...args` (`examples/reconnect/dist` unless told otherwise). */
  start(program: string, args: ReadonlyArray<string | number>): ExampleProcess;
  killAll(): void;
}

/** Programs of `dist`, a compiled directory: by default `examples/reconnect`'s. */
export function exampleProcesses(dist: string = DIST): ExampleProcesses {
  const running = new Set<ChildProcess>();
  return {
    start(program, args) {
      const script = join(dist, `${program}.js`);
      if (!existsSync(script)) throw new Error(`${script} is not built: run \`tsc -b\` (pnpm test does) first`);
      const child = spawn(process.execPath, [script, ...args.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
      running.add(child);
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        child.once('exit', (code, signal) => {
          running.delete(child);
          resolve(signal ?? code);
        }),
      );
      const lines: string[] = [];
      const got: number[] = [];
      const watchers = new Set<(line: string) => void>();
      // Whole lines only: a process killed mid-write leaves a last line without its newline,
      // which it never finished printing (readline would hand it over as a line).
      let rest = '';
      (child.stdout as NodeJS.ReadableStream).setEncoding('utf8');
      (child.stdout as NodeJS.ReadableStream).on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() as string;
        for (const line of parts) {
          lines.push(line);
          if (line.startsWith('got ')) got.push(Number(line.slice(4)));
          for (const watch of watchers) watch(line);
        }
      });
      const line = (pattern: RegExp, ms = 10_000): Promise<string> => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen !== undefined) return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
          const done = (settle: () => void): void => {
            watchers.delete(watch);
            clearTimeout(timer);
            settle();
          };
          const watch = (l: string): void => {
            if (pattern.test(l)) done(() => resolve(l));
          };
          const timer = setTimeout(() => done(() => reject(new Error(`${program} printed no line matching ${String(pattern)} within ${ms} ms`))), ms);
          watchers.add(watch);
          void exited.then((end) => done(() => reject(new Error(`${program} ended (${String(end)}) before printing a line matching ${String(pattern)}`))));
        });
      };
      return { child, lines, got, exited, line };
    },
    killAll() {
      for (const child of running) child.kill('SIGKILL'); // stopped ones too
    },
  };
}

/**
 * Streams ticks `0..total-1` from `client`: 100 at a time, then the last of them awaited
 * and 20 ms (about 2 s for 10,000), so a kill or stop lands mid-stream. While the link is
 * down, sends are held and resolve at once.
 */
export async function streamTicks(client: OonClient<Tick>, total: number): Promise<void> {
  for (let n = 0; n < total; n++) {
    const sent = client.send(new Tick(n));
    if (n % 100 === 99) await Promise.all([sent, new Promise((resolve) => setTimeout(resolve, 20))]);
  }
}
