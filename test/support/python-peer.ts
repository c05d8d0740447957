import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** One JSON line the Python peer (test/python/oon_peer.py) printed. */
export interface PeerEvent {
  event: 'listening' | 'sent' | 'received' | 'bad_data' | 'closed';
  port?: number;
  name?: string;
  raw?: string;
  uuid?: string;
  error?: string;
  object?: unknown;
}

const SCRIPT = join(__dirname, '..', 'python', 'oon_peer.py');

/**
 * A real Python process speaking the origin's wire. `next(kind)` waits for its next
 * event of that kind (events are queued, none is lost between calls).
 */
export class PythonPeer {
  readonly process: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  readonly #queue: PeerEvent[] = [];
  readonly #waiters: Array<() => void> = [];
  #stderr = '';

  constructor(args: string[]) {
    this.process = spawn('python3', [SCRIPT, ...args], { stdio: 'pipe' });
    this.process.stderr.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    createInterface({ input: this.process.stdout }).on('line', (line) => {
      this.#queue.push(JSON.parse(line) as PeerEvent);
      this.#waiters.splice(0).forEach((wake) => wake());
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
  }

  /** The next event of a kind, failing after `timeoutMs` with what the peer printed on stderr. */
  async next(kind: PeerEvent['event'], timeoutMs = 5_000): Promise<PeerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#queue.findIndex((e) => e.event === kind);
      if (index >= 0) return this.#queue.splice(index, 1)[0] as PeerEvent;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`python peer sent no '${kind}' event within ${timeoutMs} ms; stderr: ${this.#stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Ends the process if it is still running. */
  kill(): void {
    if (this.process.exitCode === null) this.process.kill();
  }
}
