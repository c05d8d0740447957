/**
 * `pnpm bench:nest`: a Nest client calling a Nest microservice, with OON's transport
 * (`OonTransport` + `OonClientProxy`, a class pattern: `send(BenchOrder, order)`; with its
 * session, the default, and with `reconnect: false`) and with
 * Nest's own TCP transporter (`Transport.TCP`, a string pattern and plain JSON, as a
 * Nest user writes it). Two child processes serve, one per transport, with the same
 * handler; this process is the client app. Rounds alternate between the contenders so the
 * machine's load falls on all alike; each round times a fixed number of requests from
 * `concurrency` callers each awaiting its reply before the next call, and gives
 * requests/s and the p50 and p99 latencies. Prints a markdown table with the load average and
 * writes it to bench/nest-results.md (`--no-write` only prints). Never part of `pnpm test`.
 *
 * Flags: `--requests=N` per round (default 20,000), `--rounds=N` per transport (default 5),
 * `--concurrency=a,b` (default 1,32), `--no-write`.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule, MessagePattern, Payload, Transport, type ClientProxy, type MicroserviceOptions } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { NetClass, NetField } from '@oon/core';
import type { OonServer } from '@oon/server';
import { OonClientProxy, OonTransport } from '@oon/nestjs';
import { loadNow, machineLine } from './report';

/** The request: a small order, as a Nest service would take it. */
@NetClass('bench.nest.Order')
export class BenchOrder {
  @NetField() sku: string = '';
  @NetField() quantity: number = 0;
  @NetField() customer: string = '';
  @NetField() priceCents: number = 0;
}

/** The reply. */
@NetClass('bench.nest.Receipt')
export class BenchReceipt {
  @NetField() sku: string = '';
  @NetField() totalCents: number = 0;
  @NetField() accepted: boolean = false;
}

/** The server's transport. */
type Kind = 'oon' | 'tcp';
/** What the client runs: OON with its session (the default), OON with `reconnect: false`, or Nest TCP. */
type Contender = 'oon' | 'oon-nosession' | 'tcp';
const CONTENDERS: readonly Contender[] = ['oon', 'oon-nosession', 'tcp'];
const LABEL: Record<Contender, string> = { oon: 'OON', 'oon-nosession': 'OON, `reconnect: false`', tcp: 'Nest TCP' };

function receiptFor(order: { sku: string; quantity: number; priceCents: number }): BenchReceipt {
  return Object.assign(new BenchReceipt(), { sku: order.sku, totalCents: order.quantity * order.priceCents, accepted: true });
}

@Controller()
class BenchController {
  @MessagePattern(BenchOrder)
  placeOon(@Payload() order: BenchOrder): BenchReceipt {
    return receiptFor(order);
  }

  @MessagePattern('place')
  placeTcp(@Payload() order: BenchOrder): BenchReceipt {
    return receiptFor(order);
  }
}

@Module({ controllers: [BenchController] })
class ServiceModule {}

/** The child: a Nest microservice on a free port with one transport; sends its port. */
async function serve(kind: Kind): Promise<void> {
  const options: MicroserviceOptions =
    kind === 'oon' ? { strategy: new OonTransport({ port: 0, logger: false }) } : { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } };
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(ServiceModule, { ...options, logger: false });
  await app.listen();
  const port = kind === 'oon' ? (app.unwrap<OonServer>().address()?.port ?? 0) : (app.unwrap<NetServer>().address() as AddressInfo).port;
  (process.send as (message: { port: number }) => void)({ port });
  process.once('disconnect', () => void app.close());
}

interface Round {
  kind: Contender;
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
}

function flag(name: string, fallback: string): string {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}

async function start(kind: Kind): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = fork(__filename, ['--serve', kind], { stdio: 'inherit' });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  return {
    port,
    stop: async () => {
      child.disconnect();
      await once(child, 'exit');
    },
  };
}

/** One round: `total` requests from `concurrency` callers; requests/s and the median latency in ms. */
async function round(kind: Contender, client: ClientProxy, total: number, concurrency: number): Promise<Round> {
  const order = Object.assign(new BenchOrder(), { sku: 'A-1042', quantity: 3, customer: 'ada@example.com', priceCents: 1999 });
  const call = kind !== 'tcp' ? () => client.send<BenchReceipt>(BenchOrder, order) : () => client.send<BenchReceipt>('place', order);
  const latencies = new Float64Array(total);
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      const receipt = await firstValueFrom(call());
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      if (receipt.totalCents !== 5997) throw new Error(`${kind}: wrong receipt ${JSON.stringify(receipt)}`);
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, caller));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort();
  return { kind, concurrency, rps: total / seconds, p50: latencies[Math.floor(total / 2)] ?? 0, p99: latencies[Math.floor(total * 0.99)] ?? 0 };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** The version of a Nest package this process loads (Nest 12 exports no `./package.json`: read beside its entry). */
function nestVersion(name: string): string {
  const file = join(dirname(require.resolve(name)), 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

async function main(): Promise<void> {
  const requests = Number(flag('requests', '20000'));
  const rounds = Number(flag('rounds', '5'));
  const levels = flag('concurrency', '1,32').split(',').map(Number);
  const loadBefore = loadNow();
  const [oon, tcp] = await Promise.all([start('oon'), start('tcp')]);

  @Module({
    imports: [
      ClientsModule.register([
        { name: 'OON', customClass: OonClientProxy, options: { port: oon.port, logger: false } },
        { name: 'OON_NOSESSION', customClass: OonClientProxy, options: { port: oon.port, logger: false, reconnect: false } },
        { name: 'TCP', transport: Transport.TCP, options: { host: '127.0.0.1', port: tcp.port } },
      ]),
    ],
  })
  class CallerModule {}
  const app = await NestFactory.createApplicationContext(CallerModule, { logger: false });
  const clients: Record<Contender, ClientProxy> = {
    oon: app.get<ClientProxy>('OON'),
    'oon-nosession': app.get<ClientProxy>('OON_NOSESSION'),
    tcp: app.get<ClientProxy>('TCP'),
  };
  for (const kind of CONTENDERS) await round(kind, clients[kind], Math.min(requests, 5_000), 8); // warm-up

  const results: Round[] = [];
  for (const concurrency of levels) {
    for (let r = 0; r < rounds; r++) {
      for (const kind of CONTENDERS) {
        const result = await round(kind, clients[kind], requests, concurrency);
        results.push(result);
        console.log(`${kind} concurrency ${concurrency} round ${r + 1}: ${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(3)} ms, p99 ${result.p99.toFixed(3)} ms`);
      }
    }
  }
  await app.close();
  await Promise.all([oon.stop(), tcp.stop()]);
  const loadAfter = loadNow();

  const lines = [
    '# `pnpm bench:nest`: a Nest client calling a Nest microservice, OON vs Nest TCP',
    '',
    `${machineLine()}, ${new Date().toISOString().slice(0, 10)}; load average (1, 5, 15 min) before ${loadBefore.join(', ')}, after ${loadAfter.join(', ')}.`,
    `@nestjs/core ${nestVersion('@nestjs/core')}, @nestjs/microservices ${nestVersion('@nestjs/microservices')}.`,
    `${requests.toLocaleString('en-US')} requests per round, ${rounds} rounds per contender and concurrency, the contenders' rounds interleaved; medians of the rounds (÷ Nest TCP: the median of each round's ratio to the Nest TCP round run beside it; above 1 is more requests/s, below 1 a shorter p50).`,
    'OON: `OonTransport` + `OonClientProxy`, `send(BenchOrder, order)` (a class pattern: the reply is a revived `BenchReceipt`); with its session (the default) and without (`reconnect: false` on the proxy).',
    "Nest TCP: `Transport.TCP`, `send('place', order)` (JSON: the reply is a plain object).",
    '',
    '| concurrency | transport | req/s | ÷ Nest TCP | p50 ms | p50 ÷ Nest TCP | p99 ms |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const concurrency of levels) {
    const pick = (kind: Contender): Round[] => results.filter((x) => x.kind === kind && x.concurrency === concurrency);
    const rps = (kind: Contender): number => median(pick(kind).map((x) => x.rps));
    for (const kind of CONTENDERS) {
      const p50 = median(pick(kind).map((x) => x.p50));
      const p99 = median(pick(kind).map((x) => x.p99));
      // Each round's ratio to the Nest TCP round beside it: the load of the moment falls on both.
      const tcpRounds = pick('tcp');
      const ratio = median(pick(kind).map((x, i) => x.rps / (tcpRounds[i]?.rps ?? Number.NaN)));
      const p50Ratio = median(pick(kind).map((x, i) => x.p50 / (tcpRounds[i]?.p50 ?? Number.NaN)));
      lines.push(
        `| ${concurrency} | ${LABEL[kind]} | ${Math.round(rps(kind)).toLocaleString('en-US')} | ${ratio.toFixed(2)}x | ${p50.toFixed(3)} | ${p50Ratio.toFixed(2)}x | ${p99.toFixed(3)} |`,
      );
    }
  }
  const table = lines.join('\n') + '\n';
  console.log(`\n${table}`);
  if (!process.argv.includes('--no-write')) writeFileSync(join(__dirname, '..', 'nest-results.md'), table);
}

const serveAt = process.argv.indexOf('--serve');
(serveAt >= 0 ? serve(process.argv[serveAt + 1] as Kind) : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
