/**
 * The transport half of the bench: a child process receives over 127.0.0.1, this process
 * sends. One-way: bursts of the small message for a fixed time, the rate counted when the
 * child has revived the last one. Requests: one at a time, each round trip timed, in
 * blocks that take turns across the transports.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deepCheck } from '../deep-check';
import { smallGraph } from '../model';
import type { ToChild, ToParent } from './ipc';
import type { TransportClient, TransportContender } from './transport';
import { pinReceiver, pinSender, unpin, type Pinning } from './pinning';

/** How long and how much to measure. */
export interface TransportBenchOptions {
  /** Messages per burst (what a sender hands over before yielding). @default 1000 */
  burst?: number;
  /** Milliseconds of one-way sending per transport in each warm-up round. @default durationMs */
  warmupMs?: number;
  /**
   * Untimed rounds first, each as a timed one (one-way, then `warmupRequests`), every
   * transport in turn. A burst longer than any before it takes paths the JIT has not
   * seen yet (a session's window filled and waiting for acks, a number past V8's small
   * integers) and deoptimizes code the requests share with it (FrameWriter.flush,
   * LinkOutput.admit, Outbox.refusal, Node's onwrite): the requests after it run slower
   * until V8 optimizes again. After one 500 ms burst the session's first timed round was at 40-48 µs
   * against 30; after one of 1 s, 37-39; after two, 30-31. @default 2
   */
  warmupRounds?: number;
  /** Rounds over all transports; the median round's one-way rate is kept. @default 3 */
  rounds?: number;
  /** Milliseconds of timed one-way sending per transport and round. @default 1000 */
  durationMs?: number;
  /** Requests per transport in each warm-up round (enough for the JIT to optimize the request path). @default 2000 */
  warmupRequests?: number;
  /** Timed requests per transport, spread over the rounds. @default 9000 */
  requests?: number;
  /**
   * Requests timed in a row on one transport before the next one's turn. A round trip's
   * latency depends on where the scheduler puts the two processes (one core ~30 µs; two,
   * each waking an idle core, ~55-90 µs) and on what else runs, which change within
   * seconds: timed in several blocks that take turns, every transport meets the same
   * states. Not much shorter: each turn starts with caches another transport filled,
   * which weighs more on a line with more code (blocks of 200 cost OON ~0.5 µs). @default 1000
   */
  requestBlock?: number;
  /** Pin the sender and the receivers to a CPU each (`pinning.ts`). @default true */
  pin?: boolean;
}

/** One transport's figures. */
export interface TransportResult {
  readonly name: string;
  /** One-way small messages revived per second by the receiver: the median of every timed round (of every fork). */
  readonly messagesPerSec: number;
  /** (max - min) / median of the rounds' one-way rates. */
  readonly spread: number;
  /** Request round trip, median and 99th percentile over every round, in microseconds. */
  readonly p50Us: number;
  readonly p99Us: number;
  /** Each fork's median one-way rate, in fork order (one entry when the run was not forked). */
  readonly forkRates: readonly number[];
}

/** What one process measured of one transport: every timed round's one-way rate, every timed round trip (ms). */
export interface TransportSamples {
  readonly name: string;
  readonly rates: readonly number[];
  readonly latencies: readonly number[];
}

/** A transport's sender (here) and receiver (a child process), connected. */
interface Session {
  readonly contender: TransportContender;
  readonly child: ChildProcess;
  readonly replies: ReplyQueue;
  client: TransportClient | undefined;
  /** Messages sent so far; the child counts the same. */
  sent: number;
  readonly rates: number[];
  readonly latencies: number[];
}

/**
 * Runs every transport between this process and a child of its own. All are connected,
 * then warmed up in untimed rounds, then timed in rounds that visit each in turn (one-way
 * each, then a share of the requests in blocks that take turns), so a change in the
 * machine's load spreads over all of them.
 */
export async function benchTransports(contenders: readonly TransportContender[], options: TransportBenchOptions = {}): Promise<{ results: TransportResult[]; pinning: Pinning }> {
  const { samples, pinning } = await sampleTransports(contenders, options);
  return { results: summarizeForks([samples]), pinning };
}

/** {@link benchTransports}'s measurements, before they are summarized: what a fork reports. */
export async function sampleTransports(contenders: readonly TransportContender[], options: TransportBenchOptions = {}): Promise<{ samples: TransportSamples[]; pinning: Pinning }> {
  const pinning: Pinning = options.pin === false ? { pinned: false, why: '--no-pin' } : pinSender();
  try {
    return { samples: await benchPinned(contenders, options, pinning), pinning };
  } finally {
    unpin(pinning);
  }
}

async function benchPinned(contenders: readonly TransportContender[], options: TransportBenchOptions, pinning: Pinning): Promise<TransportSamples[]> {
  const rounds = options.rounds ?? 3;
  const burst = options.burst ?? 1000;
  const requestsPerRound = Math.ceil((options.requests ?? 9000) / rounds);
  const requestBlock = options.requestBlock ?? 1000;
  const sessions: Session[] = [];
  try {
    for (const contender of contenders) {
      const session = openSession(contender);
      sessions.push(session);
      pinReceiver(pinning, session.child.pid);
      const ready = await session.replies.next('ready');
      session.client = await contender.connect(ready.port);
    }
    const warmupRounds = options.warmupRounds ?? 2;
    for (let w = 0; w < warmupRounds; w++) {
      for (const session of sessions) {
        session.sent = await sendFor(session, burst, options.warmupMs ?? options.durationMs ?? 1000);
        await timeRequests(session, options.warmupRequests ?? 2000, [], w === 0);
      }
    }
    for (let r = 0; r < rounds; r++) {
      // Each round starts with the next transport in line, as the request blocks do.
      for (let i = 0; i < sessions.length; i++) {
        const session = sessions[(i + r) % sessions.length] as Session;
        const start = performance.now();
        const before = session.sent;
        session.sent = await sendFor(session, burst, options.durationMs ?? 1000);
        session.rates.push(((session.sent - before) * 1000) / (performance.now() - start));
      }
      await timeRequestBlocks(sessions, requestsPerRound, requestBlock);
    }
    return sessions.map(({ contender, rates, latencies }) => ({ name: contender.name, rates, latencies }));
  } finally {
    for (const session of sessions) await closeSession(session);
  }
}

function openSession(contender: TransportContender): Session {
  const child = fork(join(__dirname, 'child.js'), [contender.name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return { contender, child, replies: replyQueue(child), client: undefined, sent: 0, rates: [], latencies: [] };
}

async function closeSession(session: Session): Promise<void> {
  await session.client?.close();
  const exited = session.child.exitCode !== null || session.child.signalCode !== null ? Promise.resolve() : once(session.child, 'exit');
  tellChild(session.child, { type: 'stop' });
  await exited;
}

/**
 * One result per transport from what every fork measured of it (`forks[f]` lists one
 * fork's transports, in the same order in each): the median of all their one-way rounds,
 * and the latencies of all their requests.
 */
export function summarizeForks(forks: readonly (readonly TransportSamples[])[]): TransportResult[] {
  const first = forks[0] ?? [];
  return first.map((line, i) => {
    const lines = forks.map((fork) => fork[i] as TransportSamples);
    const rates = lines.flatMap((l) => l.rates).sort((a, b) => a - b);
    const median = middle(rates);
    const times = Float64Array.from(lines.flatMap((l) => l.latencies)).sort();
    const at = (q: number): number => (times[Math.min(times.length - 1, Math.floor(times.length * q))] as number) * 1000;
    return {
      name: line.name,
      messagesPerSec: median,
      spread: ((rates.at(-1) as number) - (rates[0] as number)) / median,
      p50Us: at(0.5),
      p99Us: at(0.99),
      forkRates: lines.map((l) => middle([...l.rates].sort((a, b) => a - b))),
    };
  });
}

/** The median of sorted numbers. */
function middle(sorted: readonly number[]): number {
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Sends bursts for `ms`, then waits until the child has revived all sent so far; returns the new total. */
async function sendFor(session: Session, burst: number, ms: number): Promise<number> {
  const client = session.client as TransportClient;
  let total = session.sent;
  if (client.sendFor !== undefined) total += await client.sendFor(burst, ms);
  else {
    const message = smallGraph();
    const start = performance.now();
    while (performance.now() - start < ms) {
      await client.sendBurst(message, burst);
      total += burst;
    }
  }
  tellChild(session.child, { type: 'expect', total });
  await session.replies.next('done');
  return total;
}

/**
 * Times `count` requests on each transport in blocks of `block`, the transports taking
 * turns, each block starting with the next transport in line, so that what the machine
 * does meanwhile falls on all of them alike.
 */
async function timeRequestBlocks(sessions: readonly Session[], count: number, block: number): Promise<void> {
  for (let done = 0, turn = 0; done < count; done += block, turn++) {
    for (let i = 0; i < sessions.length; i++) {
      const session = sessions[(i + turn) % sessions.length] as Session;
      await timeRequests(session, Math.min(block, count - done), session.latencies);
    }
  }
}

/**
 * Times `count` requests one at a time, adding each round trip (ms) to `into`, after one
 * untimed request (the first after another transport's turn); `check` deep-checks its reply.
 */
async function timeRequests(session: Session, count: number, into: number[], check = false): Promise<void> {
  const client = session.client as TransportClient;
  if (client.timeRequests !== undefined) {
    into.push(...(await client.timeRequests(count)));
    return;
  }
  const message = smallGraph();
  const first = await client.request(message);
  if (check) deepCheck(message, first);
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await client.request(message);
    into.push(performance.now() - start);
  }
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
