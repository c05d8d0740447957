/**
 * `pnpm bench`: OON against the floors and the peers, codecs then transports, printed and
 * written to bench/results.md. Never part of `pnpm test`.
 *
 * Flags: `--quick` (shorter runs, for trying the bench; figures are rougher),
 * `--codecs`, `--transport`, `--memory` (only those parts, any of them; the codec part
 * includes the schema evolution case, `--evolution` runs only it), `--only=TEXT` (only
 * transports whose name contains TEXT, for profiling one with `node --cpu-prof`),
 * `--clients=N` (idle clients the memory part measures, default 1,000), `--forks=N` (fresh
 * sender processes the transport half runs in, one after another, default 3; 1 with
 * `--quick`), `--no-write` (print only), `--no-pin` (leave the transport half's processes
 * where the scheduler puts them).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchParts } from './bench-parts';
import { benchCodecs, type CodecResult } from './codec-bench';
import { benchEvolution, evolutionTable, type EvolutionResult } from './evolution-bench';
import { IDLE_CLIENTS, idleMemoryTable, measureIdleMemory, type IdleMemoryResult } from './idle-memory';
import type { MeasureOptions } from './measure';
import { codecTable, loadNow, machineLine, reportMarkdown, transportTable } from './report';
import { TRANSPORT_CONTENDERS } from './transport/contenders';
import { pinningLine } from './transport/pinning';
import { benchTransportsInForks } from './transport/forks';
import type { TransportBenchOptions, TransportResult } from './transport/transport-bench';

/** Fresh sender processes the transport half runs in (`transport/forks.ts`). */
const TRANSPORT_FORKS = 3;

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const quick = args.has('--quick');
  const parts = benchParts([...args]);
  const clients = Number(process.argv.find((a) => a.startsWith('--clients='))?.slice('--clients='.length) ?? (quick ? 200 : IDLE_CLIENTS));
  const measureOptions: MeasureOptions = quick ? { rounds: 3, roundMs: 100, warmupMs: 100 } : { rounds: 7, roundMs: 300, warmupMs: 500 };
  const transportOptions: TransportBenchOptions = quick ? { durationMs: 400, warmupMs: 200, warmupRequests: 500, requests: 1500 } : {};
  const forks = Number(process.argv.find((a) => a.startsWith('--forks='))?.slice('--forks='.length) ?? (quick ? 1 : TRANSPORT_FORKS));
  if (!Number.isInteger(forks) || forks < 1) throw new RangeError(`--forks wants a whole number of forks, at least 1; got ${String(forks)}`);
  const loadBefore = loadNow();
  console.log(`${machineLine()}; load average ${loadBefore.join(', ')}`);

  const codecs: CodecResult[] = [];
  if (parts.codecs) {
    for (const size of ['small', 'medium', 'large'] as const) {
      const results = benchCodecs(size, measureOptions);
      codecs.push(...results);
      console.log(`\n${codecTable(size, results)}`);
    }
  }
  let evolution: EvolutionResult[] = [];
  if (parts.evolution) {
    evolution = benchEvolution(measureOptions);
    console.log(`\n${evolutionTable(evolution)}`);
  }
  const transports: TransportResult[] = [];
  let pinning = '';
  if (parts.transports) {
    const run = await benchTransportsInForks(
      TRANSPORT_CONTENDERS.filter((c) => only === undefined || c.name.includes(only)).map((c) => c.name),
      { ...transportOptions, pin: !args.has('--no-pin') },
      forks,
      (f, results) => console.log(`\nfork ${f + 1} of ${forks}:\n${transportTable(results)}`),
    );
    transports.push(...run.results);
    pinning = pinningLine(run.pinning);
    console.log(`\n${pinning}`);
    console.log(`\n${transportTable(transports)}`);
  }
  // Last, and one case at a time: each starts its own server and clients, and nothing else runs beside them.
  const memory: IdleMemoryResult[] = [];
  if (parts.memory) {
    for (const sessions of [true, false]) memory.push(await measureIdleMemory(clients, sessions));
    console.log(`\n${idleMemoryTable(memory)}`);
  }
  const report = reportMarkdown({ date: new Date(), loadBefore, loadAfter: loadNow(), pinning, forks }, codecs, transports, {
    ...(evolution.length === 0 ? {} : { evolution: evolutionTable(evolution) }),
    memory,
  });
  const targets = report.slice(report.indexOf('## Targets'));
  console.log(`\n${targets}`);
  if (!args.has('--no-write')) {
    const path = join(__dirname, '..', 'results.md');
    writeFileSync(path, report);
    console.log(`written to ${path}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
