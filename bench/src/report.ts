/** Turns the figures into the tables `pnpm bench` prints and writes to bench/results.md. */
import { cpus, loadavg } from 'node:os';
import type { CodecResult } from './codec-bench';
import { idleMemoryTable, WARM_CLIENTS, type IdleMemoryResult } from './idle-memory';
import { GRAPH_SIZES, type GraphSize } from './model';
import type { TransportResult } from './transport/transport-bench';

/** Where and how the figures were taken. */
export interface RunInfo {
  readonly date: Date;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  /** Where the transport half's processes ran (`pinningLine`). */
  readonly pinning?: string;
  /** Fresh sender processes the transport half ran in (`transport/forks.ts`). @default 1 */
  readonly forks?: number;
}

/** The machine, as one line. */
export function machineLine(): string {
  const cpu = cpus();
  return `Node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores), ${process.platform}/${process.arch}`;
}

/** The 1-minute load average now, to write next to the figures. */
export function loadNow(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
/** ops/s with enough digits to compare slow lines too (the large graph runs a few per second). */
const rate = (x: number): string => (x < 100 ? x.toPrecision(2) : int(x));
const ratio = (x: number): string => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3)) + 'x';

/** The codec table of one size: ops/s, bytes, and how many times faster each OON codec is than the line. */
export function codecTable(size: GraphSize, results: readonly CodecResult[]): string {
  const ours = results.filter((r) => r.contender.group === 'oon');
  const head = `| round trip (${GRAPH_SIZES[size].what}) | bytes | ops/s | spread | ${ours.map((o) => `${o.contender.name} ÷ this`).join(' | ')} |`;
  const rule = `| --- | ---: | ---: | ---: | ${ours.map(() => '---:').join(' | ')} |`;
  const rows = results.map((r) => {
    const cells = ours.map((o) => (o === r ? '' : ratio(o.opsPerSec / r.opsPerSec)));
    return `| ${r.contender.name} | ${int(r.bytes)} | ${rate(r.opsPerSec)} | ±${Math.round(r.spread * 50)}% | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}

/**
 * The transport table: one-way rate and request latency, with OON's ratio to each, and
 * each fork's median one-way rate when the run was forked.
 */
export function transportTable(results: readonly TransportResult[]): string {
  const oon = results[0];
  const forked = results.some((r) => r.forkRates.length > 1);
  const head = `| transport | one-way msgs/s | spread | OON ÷ this | request p50 µs | request p99 µs |${forked ? ' one-way msgs/s per fork |' : ''}`;
  const rule = `| --- | ---: | ---: | ---: | ---: | ---: |${forked ? ' ---: |' : ''}`;
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${int(r.messagesPerSec)} | ±${Math.round(r.spread * 50)}% | ${oon === undefined || oon === r ? '' : ratio(oon.messagesPerSec / r.messagesPerSec)} | ${int(r.p50Us)} | ${int(r.p99Us)} |${forked ? ` ${r.forkRates.map(int).join(', ')} |` : ''}`,
  );
  return [head, rule, ...rows].join('\n');
}

/**
 * The server's JS heap per idle connection in KiB on `a7bdd3e` (before issue 15), by this
 * bench's memory part on the bench machine, the median of 3 runs: with the default
 * session and without (docs/benchmarks.md).
 */
const IDLE_HEAP_BEFORE_15 = { on: 16.8, off: 14.2 } as const;
/** KiB the heap per idle connection varies from run to run of one build. */
const IDLE_HEAP_SPREAD = 0.2;

/** One line per target of issues 4 and 15: met or not, with the figures. */
export function targetLines(codecs: readonly CodecResult[], transports: readonly TransportResult[], memory: readonly IdleMemoryResult[] = []): string[] {
  const lines: string[] = [];
  const verdict = (met: boolean): string => (met ? 'met' : '**NOT met**');
  for (const size of ['small', 'medium', 'large'] as const) {
    const here = codecs.filter((r) => r.size === size);
    if (here.length === 0) continue;
    const peers = here.filter((r) => r.contender.group === 'peer');
    const fastest = peers.reduce((a, b) => (b.opsPerSec > a.opsPerSec ? b : a));
    const ct = peers.find((r) => r.contender.name.startsWith('class-transformer'));
    const binary = here.find((r) => r.contender.name === 'OON binary');
    const best = binary ?? here.find((r) => r.contender.group === 'oon');
    if (best === undefined) continue;
    const want = size === 'small' ? 1.3 : 2;
    const x = best.opsPerSec / fastest.opsPerSec;
    lines.push(`- ${size}: ${best.contender.name} ÷ fastest peer (${fastest.contender.name}) = ${ratio(x)}, target ≥ ${want}x: ${verdict(x >= want && binary !== undefined)}${binary === undefined ? ' (no binary codec yet)' : ''}`);
    // Issue 15 raised the small target once the plain-schema peers (avsc, protobufjs without nulls) joined.
    if (size === 'small') lines.push(`- small (issue 15): ${best.contender.name} ÷ fastest peer (${fastest.contender.name}) = ${ratio(x)}, target ≥ 1.5x: ${verdict(x >= 1.5 && binary !== undefined)}`);
    // Issue 15: medium and large at least 3x avsc (the issue's day: 2.46x and 2.81x).
    const avsc = peers.find((r) => r.contender.name.startsWith('avsc'));
    if (size !== 'small' && avsc !== undefined) {
      const z = best.opsPerSec / avsc.opsPerSec;
      lines.push(`- ${size} (issue 15): ${best.contender.name} ÷ ${avsc.contender.name} = ${ratio(z)}, target ≥ 3x: ${verdict(z >= 3 && binary !== undefined)}`);
    }
    if (ct !== undefined) {
      const y = best.opsPerSec / ct.opsPerSec;
      lines.push(`- ${size}: ${best.contender.name} ÷ class-transformer + JSON = ${ratio(y)}, target ≥ 20x: ${verdict(y >= 20)}`);
    }
  }
  const raw = transports.find((r) => r.name.startsWith('raw net'));
  // The default (with a session) and, when measured, the binary codec without one; issue 4's targets are TCP's.
  for (const oon of transports.filter((r) => r.name.startsWith('OON (binary') && !r.name.includes('WebSocket'))) {
    lines.push(`- ${oon.name} one-way: ${int(oon.messagesPerSec)} small revived msgs/s, target ≥ 3,000,000: ${verdict(oon.messagesPerSec >= 3_000_000)}`);
    if (raw !== undefined) {
      lines.push(`- ${oon.name} request p50 ${oon.p50Us.toFixed(1)} µs vs raw net + JSON ${raw.p50Us.toFixed(1)} µs, target no worse: ${verdict(oon.p50Us <= raw.p50Us)}`);
    }
  }
  // Issue 15: a session costs at most a tenth of one-way throughput, and without one OON
  // carries 1.5x the issue's day's 2.68M msgs/s.
  const withSession = transports.find((r) => r.name === 'OON (binary)');
  const noSession = transports.find((r) => r.name === 'OON (binary, no session)');
  if (withSession !== undefined && noSession !== undefined) {
    const x = withSession.messagesPerSec / noSession.messagesPerSec;
    const perFork = withSession.forkRates.length > 1 ? ` (fork by fork: ${withSession.forkRates.map((rate, f) => ratio(rate / (noSession.forkRates[f] as number))).join(', ')})` : '';
    lines.push(`- one-way with the default session ÷ without (issue 15) = ${ratio(x)}${perFork}, target ≥ 0.9x: ${verdict(x >= 0.9)}`);
    lines.push(`- ${noSession.name} one-way (issue 15): ${int(noSession.messagesPerSec)} msgs/s, target ≥ 4,020,000 (1.5 x 2.68M): ${verdict(noSession.messagesPerSec >= 4_020_000)}`);
  }
  // Issue 15: no more memory per idle connection than before it.
  for (const m of memory) {
    const before = IDLE_HEAP_BEFORE_15[m.sessions ? 'on' : 'off'];
    const heap = m.serverSide.heap / 1024;
    lines.push(
      `- server JS heap per idle connection ${m.sessions ? 'with the default session' : 'without a session'} (issue 15): ${heap.toFixed(1)} KiB, target ≤ ${before.toFixed(1)} (a7bdd3e's, before issue 15, ${IDLE_HEAP_SPREAD} KiB allowed for the runs' spread): ${verdict(heap <= before + IDLE_HEAP_SPREAD)}`,
    );
  }
  return lines;
}

/** The parts of the report besides the codecs and transports, each left out when it did not run. */
export interface ReportExtras {
  /** The schema evolution table. */
  readonly evolution?: string;
  /** Memory per idle connection. */
  readonly memory?: readonly IdleMemoryResult[];
}

/** The whole report, as Markdown. */
export function reportMarkdown(info: RunInfo, codecs: readonly CodecResult[], transports: readonly TransportResult[], extras: ReportExtras = {}): string {
  const { evolution, memory = [] } = extras;
  const sizes = (['small', 'medium', 'large'] as const).filter((s) => codecs.some((r) => r.size === s));
  return [
    '# OON benchmark results',
    '',
    `Written by \`pnpm bench\` on ${info.date.toISOString()}.`,
    '',
    `- Machine: ${machineLine()}`,
    `- Load average (1, 5, 15 min) before: ${info.loadBefore.join(', ')}; after: ${info.loadAfter.join(', ')}`,
    '',
    'Round trip = instances to bytes and back to instances; every line passed the deep check',
    '(class and value) once before timing, except the floors, which keep values only. Figures',
    'are the median of interleaved rounds; spread is half the range of the rounds. Ratios over',
    '1 mean OON is faster.',
    '',
    ...sizes.flatMap((size) => [`## Codecs: ${size}`, '', codecTable(size, codecs.filter((r) => r.size === size)), '']),
    ...(evolution === undefined
      ? []
      : ['## Schema evolution (docs/evolution.md)', '', 'The same batch between two sides that declare the class alike, and between a writer and a', "reader whose classes differ, each codec made with the other side's schema as a connection makes it.", '', evolution, '']),
    ...(transports.length === 0
      ? []
      : [
          '## Transport: two processes over 127.0.0.1',
          '',
          'One-way: the sender hands over bursts of 1,000 small messages (a FordTruck carrying',
          'a VolvoCar) for a fixed time; the rate counts messages the receiver has revived into',
          'instances. Requests: one at a time, the receiver revives and replies with the object.',
          'Every transport is connected and warmed up first (two untimed rounds), then timed in',
          'interleaved rounds, requests in blocks of 1,000 that take turns across the transports.',
          ...((info.forks ?? 1) > 1
            ? [
                `This ran in ${info.forks ?? 1} forks, one after another: each a fresh sender process with fresh`,
                'receivers, as V8 compiles a hot path once per process and a line keeps the speed it got',
                "(docs/benchmarks.md). The one-way figure is the median of every fork's rounds, the",
                "latencies are over every fork's rounds, and the last column has each fork's median.",
              ]
            : ['The one-way figure is the median round, the latencies are over all rounds.']),
          ...(info.pinning === undefined || info.pinning === '' ? [] : [info.pinning]),
          '',
          transportTable(transports),
          '',
        ]),
    ...(memory.length === 0
      ? []
      : [
          '## Memory per idle connection',
          '',
          `A server process and a process of ${int(memory[0]?.clients ?? 0)} clients (each put in a room), both run with`,
          '`--expose-gc`, report their memory after a full GC before and after the clients connect',
          `and go idle (${WARM_CLIENTS} clients connect first, so code compiled once is not counted), per`,
          'connection: the JS heap, memory outside it (`external`: ArrayBuffers), and the RSS, which',
          'also holds socket buffers and varies from run to run. `pnpm bench:memory` adds a node on Redis.',
          '',
          idleMemoryTable(memory),
          '',
        ]),
    '## Targets (issues 4 and 15)',
    '',
    ...targetLines(codecs, transports, memory),
    '',
  ].join('\n');
}
