/**
 * `pnpm soak`: N clients (1,000 by default) on 127.0.0.1 exchange messages with an echo
 * server in its own process for a set time, while hostile peers of every kind connect
 * and are dropped. Prints messages sent/received/lost, errors by code, hostile peers by
 * kind, and the server's RSS after warm-up and at the end. Exits 1 if anything was lost,
 * an honest client was disconnected, or a process crashed.
 *
 * Settings (environment): SOAK_SECONDS (60), SOAK_CLIENTS (1000), SOAK_RATE (messages
 * per client per second, 2), SOAK_HOSTILE_EVERY_MS (a hostile peer every 50 ms),
 * SOAK_HOSTILE_KINDS (comma-separated kinds of hostile peer; all by default), SOAK_GC=1
 * (sample the server's memory after a full garbage collection), SOAK_HANDLER_MS (how
 * long the server's request handler takes, 2000), SOAK_MAX_REQUESTS_IN_FLIGHT (the
 * server's maxRequestsInFlight; its default when unset).
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { OonClient } from '@oon/client';
import { Chat, chatText } from './chat';
import { HOSTILE_KINDS, unleash, type HostileKind } from './hostile';
import { runServer, type ServerReport } from './server';

const SECONDS = Number(process.env['SOAK_SECONDS'] ?? 60);
const CLIENTS = Number(process.env['SOAK_CLIENTS'] ?? 1000);
const RATE = Number(process.env['SOAK_RATE'] ?? 2);
const HOSTILE_EVERY_MS = Number(process.env['SOAK_HOSTILE_EVERY_MS'] ?? 50);
/** RSS before this is warm-up: connections are being made, buffers sized. */
const WARM_UP_MS = Math.min(15_000, (SECONDS * 1000) / 4);

type Stats = Extract<ServerReport, { kind: 'stats' }>;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const count = (table: Record<string, number>, key: string): void => void (table[key] = (table[key] ?? 0) + 1);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One honest client: sends at RATE, checks every echo against what it sent. */
class Talker {
  sent = 0;
  received = 0;
  corrupt = 0;
  readonly client: OonClient<Chat>;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    port: number,
    readonly troubles: Record<string, number>,
  ) {
    this.client = new OonClient<Chat>({ host: '127.0.0.1', port, connectTimeout: 30_000 });
    this.client.on('message', (chat) => {
      this.received++;
      if (!(chat instanceof Chat) || chat.client !== id || chat.text !== chatText(id, chat.seq)) this.corrupt++;
    });
    this.client.on('error', (err) => count(troubles, `client error ${err.code}`));
    this.client.on('disconnect', (reason) => reason !== 'local close' && count(troubles, `client disconnect: ${reason}`));
  }

  start(): void {
    // Spread the clients' sends over the period, so load is even.
    const period = 1000 / RATE;
    setTimeout(() => {
      this.#timer = setInterval(() => this.#send(), period);
    }, Math.random() * period);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #send(): void {
    const chat = Object.assign(new Chat(), { client: this.id, seq: this.sent, text: chatText(this.id, this.sent) });
    this.sent++;
    this.client.send(chat).catch((err: { code?: string }) => count(this.troubles, `send rejected ${err.code ?? '?'}`));
  }
}

function ask(server: ChildProcess, command: 'stats' | 'stop'): Promise<Stats> {
  return new Promise((resolve) => {
    const onMessage = (report: ServerReport): void => {
      if (report.kind !== 'stats') return;
      server.off('message', onMessage);
      resolve(report);
    };
    server.on('message', onMessage);
    server.send(command);
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const execArgv = process.env['SOAK_GC'] === '1' ? ['--expose-gc'] : [];
  const server = fork(__filename, ['server'], { stdio: 'inherit', execArgv });
  let serverCrashed = false;
  server.once('exit', (code, signal) => {
    if (code !== 0 || signal !== null) serverCrashed = true;
  });
  const port = await new Promise<number>((resolve) => {
    server.on('message', (report: ServerReport) => report.kind === 'listening' && resolve(report.port));
  });
  console.log(`soak: ${CLIENTS} clients × ${RATE} msg/s for ${SECONDS} s on 127.0.0.1:${port}, a hostile peer every ${HOSTILE_EVERY_MS} ms`);

  const troubles: Record<string, number> = {};
  const talkers = Array.from({ length: CLIENTS }, (_, i) => new Talker(i, port, troubles));
  for (let i = 0; i < talkers.length; i += 50) await Promise.all(talkers.slice(i, i + 50).map((t) => t.client.connect()));
  console.log(`soak: ${CLIENTS} clients connected in ${Date.now() - started} ms`);
  for (const t of talkers) t.start();

  const kinds = (process.env['SOAK_HOSTILE_KINDS']?.split(',') ?? Object.keys(HOSTILE_KINDS)) as HostileKind[];
  const unknownKind = kinds.find((kind) => !(kind in HOSTILE_KINDS));
  if (unknownKind !== undefined) throw new RangeError(`unknown hostile kind ${unknownKind}; kinds: ${Object.keys(HOSTILE_KINDS).join(', ')}`);
  const hostileSockets = new Set<Socket>();
  const unleashed: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  /** The longest a hostile peer of each kind stayed connected before the server dropped it. */
  const slowestDrop: Record<string, number> = {};
  let k = 0;
  const hostileTimer = setInterval(() => {
    const kind = kinds[k++ % kinds.length] as HostileKind;
    count(unleashed, kind);
    void unleash(port, kind, hostileSockets).then((ms) => {
      count(dropped, kind);
      slowestDrop[kind] = Math.max(slowestDrop[kind] ?? 0, ms);
    });
  }, HOSTILE_EVERY_MS);

  const start = Date.now();
  let warm: Stats | undefined;
  const samples: string[] = [];
  while (Date.now() - start < SECONDS * 1000) {
    await sleep(Math.min(5_000, SECONDS * 1000 - (Date.now() - start)));
    const s = await ask(server, 'stats');
    if (warm === undefined && Date.now() - start >= WARM_UP_MS) warm = s;
    samples.push(`${Math.round((Date.now() - start) / 1000)}s ${mib(s.rss)} (heap ${mib(s.heapUsed)}, buffers ${mib(s.arrayBuffers)})`);
  }
  clearInterval(hostileTimer);
  for (const t of talkers) t.stop();

  // Let the echoes in flight arrive.
  const drainBy = Date.now() + 15_000;
  const missing = (): number => talkers.reduce((n, t) => n + t.sent - t.received, 0);
  while (missing() > 0 && Date.now() < drainBy) await sleep(100);
  const end = await ask(server, 'stats');

  const sent = talkers.reduce((n, t) => n + t.sent, 0);
  const received = talkers.reduce((n, t) => n + t.received, 0);
  const corrupt = talkers.reduce((n, t) => n + t.corrupt, 0);
  const stillConnected = talkers.filter((t) => t.client.connected).length;
  // Taken before this side destroys what is left, so only the server's drops count.
  const droppedByServer = { ...dropped };
  const slowestDropByServer = { ...slowestDrop };
  const hostileStillOpen = hostileSockets.size;
  await Promise.all(talkers.map((t) => t.client.close()));
  for (const socket of hostileSockets) socket.destroy();
  const final = await ask(server, 'stop');
  await new Promise<void>((resolve) => (server.exitCode === null ? server.once('exit', () => resolve()) : resolve()));

  const lost = sent - received;
  const report = {
    seconds: SECONDS,
    clients: CLIENTS,
    'clients still connected at the end': stillConnected,
    'messages sent': sent,
    'messages received (echoed back intact)': received - corrupt,
    'messages lost': lost,
    'messages corrupt': corrupt,
    'messages/s (both ways)': Math.round((sent + received) / SECONDS),
    'server errors by code': final.errors,
    'server disconnects by reason': final.disconnects,
    'honest-client troubles': troubles,
    'hostile peers unleashed': unleashed,
    'hostile peers dropped by the server': droppedByServer,
    'hostile peers: longest connected before the server dropped one, ms': slowestDropByServer,
    'hostile peers still open at the end (within their deadlines)': hostileStillOpen,
    'server RSS after warm-up': warm === undefined ? 'n/a' : mib(warm.rss),
    'server RSS at the end (all connected)': mib(end.rss),
    'server heap at the end': mib(end.heapUsed),
    'server RSS samples': samples.join(', '),
    'soak process RSS at the end': mib(process.memoryUsage().rss),
    'server crashed': serverCrashed,
  };
  console.log(JSON.stringify(report, null, 2));
  const ok = lost === 0 && corrupt === 0 && stillConnected === CLIENTS && !serverCrashed && Object.keys(troubles).length === 0;
  console.log(ok ? 'soak: OK' : 'soak: FAILED');
  process.exitCode = ok ? 0 : 1;
}

if (process.argv[2] === 'server') void runServer();
else void main();
