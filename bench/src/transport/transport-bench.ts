/**
 * The transport half of the bench: a child process receives over 127.0.0.1, this process
 * sends. One-way: bursts of the small message for a fixed time, the rate counted when the
 * child has revived the last one. Requests: one at a time, each round trip timed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deepCheck } from '../deep-check';
import { smallGraph } from '../model';
import type { ToChild, ToParent } from './ipc';
import type { TransportClient, TransportContender } from './transport';

/** How long and how much to measure. */
export interface TransportBenchOptions {
  /** Messages per burst (what a sender hands over before yielding). @default 1000 */
  burst?: number;
  /** Milliseconds of one-way sending before timing. @default 500 */
  warmupMs?: number;
  /** Milliseconds of timed one-way sending. @default 2000 */
  durationMs?: number;
  /** Requests before timing (enough for the JIT to optimize the request path). @default 2000 */
  warmupRequests?: number;
  /** Timed requests. @default 10000 */
  requests?: number;
}

/** One transport's figures. */
export interface TransportResult {
  readonly name: string;
  /** One-way small messages revived per second by the receiver. */
  readonly messagesPerSec: number;
  /** Request round trip, median and 99th percentile, in microseconds. */
  readonly p50Us: number;
  readonly p99Us: number;
}

/** Runs one transport between this process and a fresh child. */
export async function benchTransport(contender: TransportContender, options: TransportBenchOptions = {}): Promise<TransportResult> {
  const child = fork(join(__dirname, 'child.js'), [contender.name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies = replyQueue(child);
  try {
    const ready = await replies.next('ready');
    const client = await contender.connect(ready.port);
    try {
      const burst = options.burst ?? 1000;
      let sent = await sendFor(client, burst, options.warmupMs ?? 500, 0, replies);
      const start = performance.now();
      const before = sent;
      sent = await sendFor(client, burst, options.durationMs ?? 2000, sent, replies);
      const messagesPerSec = ((sent - before) * 1000) / (performance.now() - start);
      const { p50Us, p99Us } = await timeRequests(client, options.warmupRequests ?? 2000, options.requests ?? 10_000);
      return { name: contender.name, messagesPerSec, p50Us, p99Us };
    } finally {
      await client.close();
    }
  } finally {
    tellChild(child, { type: 'stop' });
    await once(child, 'exit');
  }
}

/** Sends bursts for `ms`, then waits until the child has revived all `sent` so far; returns the new total. */
async function sendFor(client: TransportClient, burst: number, ms: number, sent: number, replies: ReplyQueue): Promise<number> {
  const message = smallGraph();
  const start = performance.now();
  let total = sent;
  while (performance.now() - start < ms) {
    await client.sendBurst(message, burst);
    total += burst;
  }
  tellChild(replies.child, { type: 'expect', total });
  await replies.next('done');
  return total;
}

async function timeRequests(client: TransportClient, warmup: number, count: number): Promise<{ p50Us: number; p99Us: number }> {
  const message = smallGraph();
  deepCheck(message, await client.request(message));
  for (let i = 0; i < warmup; i++) await client.request(message);
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await client.request(message);
    times[i] = performance.now() - start;
  }
  times.sort();
  return { p50Us: (times[Math.floor(count * 0.5)] as number) * 1000, p99Us: (times[Math.floor(count * 0.99)] as number) * 1000 };
}

function tellChild(child: ChildProcess, message: ToChild): void {
  if (child.connected) child.send(message);
}

/** The child's messages, awaited in order; an error message or an early exit rejects. */
interface ReplyQueue {
  readonly child: ChildProcess;
  next<K extends ToParent['type']>(type: K): Promise<Extract<ToParent, { type: K }>>;
}

const REPLY_TIMEOUT_MS = 60_000;

function replyQueue(child: ChildProcess): ReplyQueue {
  const waiting: Array<{ resolve: (m: ToParent) => void; reject: (e: Error) => void }> = [];
  const arrived: ToParent[] = [];
  let failure: Error | undefined;
  const failAll = (err: Error): void => {
    failure ??= err;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  child.on('message', (message: ToParent) => {
    if (message.type === 'error') failAll(new Error(message.message));
    else if (waiting.length > 0) waiting.shift()?.resolve(message);
    else arrived.push(message);
  });
  child.on('exit', (code) => failAll(new Error(`the receiving process exited (code ${String(code)})`)));
  return {
    child,
    next(type) {
      const queued = arrived.shift();
      if (queued !== undefined) return Promise.resolve(checkType(queued, type));
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no '${type}' from the receiving process within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
        waiting.push({
          resolve: (m) => {
            clearTimeout(timer);
            resolve(checkType(m, type));
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
      });
    },
  };
}

function checkType<K extends ToParent['type']>(message: ToParent, type: K): Extract<ToParent, { type: K }> {
  if (message.type !== type) throw new Error(`expected '${type}' from the receiving process, got '${message.type}'`);
  return message as Extract<ToParent, { type: K }>;
}
