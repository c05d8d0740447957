/**
 * A real Nest microservice listening with OonTransport runs in a child process
 * (test/fixtures/nest-app); a Nest application context in this process calls it through
 * an OonClientProxy registered with ClientsModule. Real sockets, real processes: the
 * server is killed with SIGKILL and started again on the same port while the client
 * keeps calling, and closed with SIGTERM (Nest's shutdown hooks, `app.close()`).
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { Module, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom, timeout, toArray, TimeoutError as RxTimeoutError } from 'rxjs';
import { OonError } from '@oon/core';
import type { OonClient } from '@oon/client';
import { OonClientProxy, type OonClientProxyStatus } from '@oon/nestjs';
import { Order, OrderPlaced, Receipt, RushOrder, SeenEvents, TrackingStep } from '../../../test/fixtures/nest-app/src/orders';
import { exampleProcesses, type ExampleProcess } from '../../../test/support/example-process';

const processes = exampleProcesses(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'nest-app', 'dist'));

/** Nest's log lines of this process, as `[context] level: message`. */
const logs: string[] = [];
const capture: LoggerService = {
  log: (message: unknown, context?: string) => logs.push(`[${String(context)}] log: ${String(message)}`),
  warn: (message: unknown, context?: string) => logs.push(`[${String(context)}] warn: ${String(message)}`),
  error: (message: unknown, context?: string) => logs.push(`[${String(context)}] error: ${String(message)}`),
  debug: (message: unknown, context?: string) => logs.push(`[${String(context)}] debug: ${String(message)}`),
};

/** Starts the Nest microservice on `port` (0: a free one) and waits for it to listen. */
async function startServer(port = 0): Promise<ExampleProcess & { port: number }> {
  const server = processes.start('server', [port]);
  const listening = await server.line(/^listening \d+$/, 20_000);
  return { ...server, port: Number(listening.slice('listening '.length)) };
}

/** A Nest application context whose `ORDERS` client is an OonClientProxy dialing `port`. */
async function clientApp(port: number): Promise<{ app: INestApplicationContext; orders: ClientProxy }> {
  @Module({
    imports: [
      ClientsModule.register([{ name: 'ORDERS', customClass: OonClientProxy, options: { port, reconnect: { initialDelay: 20, maxDelay: 200 } } }]),
    ],
  })
  class GatewayModule {}
  const app = await NestFactory.createApplicationContext(GatewayModule, { logger: capture });
  return { app, orders: app.get<ClientProxy>('ORDERS') };
}

function order(sku: string, quantity = 2): Order {
  return Object.assign(new Order(), { sku, quantity });
}

/** The error an Observable errors with. */
async function failure(source: Promise<unknown>): Promise<unknown> {
  return source.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

let server: ExampleProcess & { port: number };
let client: { app: INestApplicationContext; orders: ClientProxy };

beforeAll(async () => {
  server = await startServer();
  client = await clientApp(server.port);
}, 30_000);

afterAll(async () => {
  await client.app.close();
  processes.killAll();
});

describe('OonTransport and OonClientProxy', () => {
  it('answer a class pattern with a revived instance, and match subclasses by class', async () => {
    const receipt = await firstValueFrom(client.orders.send(Order, order('A1', 3)));
    expect(receipt).toBeInstanceOf(Receipt);
    expect(receipt).toMatchObject({ sku: 'A1', quantity: 3, receivedAs: 'Order' });

    const rush = Object.assign(new RushOrder(), { sku: 'R9', quantity: 1, deadline: 'noon' });
    const rushed = await firstValueFrom(client.orders.send(Order, rush));
    expect(rushed).toBeInstanceOf(Receipt);
    expect(rushed).toMatchObject({ sku: 'R9', receivedAs: 'RushOrder' });
  });

  it('answer string and object patterns, with instances and plain data both ways', async () => {
    const echoed = await firstValueFrom(client.orders.send<Order>('orders.echo', order('E5', 7)));
    expect(echoed).toBeInstanceOf(Order);
    expect(echoed).toEqual(order('E5', 7));

    expect(await firstValueFrom(client.orders.send('orders.count', { sku: 'ABCD' }))).toEqual({ sku: 'ABCD', count: 4, pattern: 'orders.count' });
    expect(await firstValueFrom(client.orders.send({ cmd: 'pid' }, {}))).toBe(server.child.pid);
  });

  it('carry arrays of instances both ways, and an Observable with no value', async () => {
    const batch = await firstValueFrom(client.orders.send<Order[]>('orders.batch', [order('B1', 1), order('B2', 2)]));
    expect(batch).toEqual([order('Order:B1', 10), order('Order:B2', 20)]);
    for (const item of batch) expect(item).toBeInstanceOf(Order);
    expect(await lastValueFrom(client.orders.send('orders.none', {}), { defaultValue: 'no value' })).toBe('no value');
  });

  it('emit the values of an Observable reply, in order, as instances', async () => {
    const steps = await lastValueFrom(client.orders.send<TrackingStep>('orders.track', order('T1')).pipe(toArray()));
    expect(steps.map((s) => s.step)).toEqual(['packed', 'shipped', 'delivered']);
    for (const step of steps) expect(step).toBeInstanceOf(TrackingStep);
  });

  it('deliver events by class and by string to @EventPattern handlers', async () => {
    const at = new Date('2026-01-02T03:04:05Z');
    await lastValueFrom(client.orders.emit(OrderPlaced, Object.assign(new OrderPlaced(), { sku: 'P1', at })), { defaultValue: undefined });
    await lastValueFrom(client.orders.emit('audit', 'checked P1'), { defaultValue: undefined });
    // The events arrive before the request sent after them; their handlers may still be running.
    let seen = new SeenEvents();
    for (let tries = 0; tries < 50 && seen.audit.length === 0; tries++) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      seen = await firstValueFrom(client.orders.send<SeenEvents>('events.seen', {}));
    }
    expect(seen).toBeInstanceOf(SeenEvents);
    expect(seen.placed).toHaveLength(1);
    expect(seen.placed[0]).toBeInstanceOf(OrderPlaced);
    expect(seen.placed[0]?.at).toEqual(at);
    expect(seen.audit).toEqual(['checked P1']);
  });

  it('turn an RpcException into an OonError with its message, code and details', async () => {
    const error = await failure(firstValueFrom(client.orders.send('orders.cancel', order('S7'))));
    expect(error).toBeInstanceOf(OonError);
    expect(error).toMatchObject({
      code: 'BadData',
      appCode: 'NOT_CANCELLABLE',
      details: { code: 'NOT_CANCELLABLE', message: 'order S7 has already shipped', sku: 'S7' },
    });
    expect((error as OonError).message).toBe(`127.0.0.1:${server.port} answered: "orders.cancel" request failed: order S7 has already shipped`);
  });

  it('pass an OonError given to RpcException on with its own code', async () => {
    const error = await failure(firstValueFrom(client.orders.send('orders.late', {})));
    expect(error).toBeInstanceOf(OonError);
    expect(error).toMatchObject({ code: 'Timeout', appCode: 'WAREHOUSE_LATE' });
    expect((error as OonError).message).toMatch(/answered: "orders\.late" request failed: the warehouse did not answer within 2 s$/);
  });

  it("turn any other error into an OonError with Nest's message, and log it on the server", async () => {
    const error = await failure(firstValueFrom(client.orders.send('orders.crash', {})));
    expect(error).toBeInstanceOf(OonError);
    expect(error).toMatchObject({ code: 'BadData', appCode: 'error' });
    expect((error as OonError).message).toMatch(/answered: "orders\.crash" request failed: Internal server error$/);
    await server.line(/RpcExceptionsHandler.*a bug in the handler/);
  });

  it('refuse an invalid payload per request, and answer the valid ones beside it', async () => {
    const calls = [order('V1', 0), order('V2', 2), order('', 1), order('V4', 4)].map((o) => firstValueFrom(client.orders.send(Order, o)).catch((e: unknown) => e));
    const [bad, good, empty, good2] = await Promise.all(calls);
    expect(bad).toBeInstanceOf(OonError);
    expect(bad).toMatchObject({ code: 'BadData' });
    expect((bad as OonError).message).toMatch(/Order\.quantity fails min/);
    expect(empty).toBeInstanceOf(OonError);
    expect((empty as OonError).message).toMatch(/Order\.sku fails isNotEmpty/);
    expect(good).toBeInstanceOf(Receipt);
    expect(good2).toMatchObject({ sku: 'V4', quantity: 4 });
  });

  it('say which pattern has no handler, naming it once: a string, an object or a class', async () => {
    const error = await failure(firstValueFrom(client.orders.send('orders.nope', {})));
    expect(error).toBeInstanceOf(OonError);
    expect((error as OonError).message).toBe(`127.0.0.1:${server.port} answered: "orders.nope" request failed: no @MessagePattern handler in this Nest app has this pattern`);
    const object = await failure(firstValueFrom(client.orders.send({ cmd: 'nope' }, {})));
    expect((object as OonError).message).toBe(`127.0.0.1:${server.port} answered: {"cmd":"nope"} request failed: no @MessagePattern handler in this Nest app has this pattern`);
    const step = Object.assign(new TrackingStep(), { step: 'lost' });
    const byClass = await failure(firstValueFrom(client.orders.send(TrackingStep, step)));
    expect((byClass as OonError).message).toBe(
      `127.0.0.1:${server.port} answered: TrackingStep request failed: no @MessagePattern handler in this Nest app takes this class, nor a class it extends`,
    );
  });

  it('log an event with no handler on the service, naming its pattern', async () => {
    await lastValueFrom(client.orders.emit('nobody.listens', 'x'), { defaultValue: undefined });
    await server.line(/\[OonTransport\].*"nobody\.listens" event from client 127\.0\.0\.1:\d+ failed: no @EventPattern handler in this Nest app has this pattern$/);
  });

  it("stop waiting at rxjs's timeout(), and go on answering", async () => {
    const error = await failure(firstValueFrom(client.orders.send('orders.slow', 1_000).pipe(timeout(50))));
    expect(error).toBeInstanceOf(RxTimeoutError);
    expect(await firstValueFrom(client.orders.send(Order, order('after-timeout')))).toBeInstanceOf(Receipt);
  });

  it('throw a TypeError for a class pattern with data of another class', () => {
    expect(() => client.orders.send(Order, { sku: 'plain' })).toThrow(new TypeError('with the class pattern Order, data must be a Order instance, got Object'));
  });
});

describe('a server killed with SIGKILL and started again on the same port', () => {
  it('fails the calls in flight with BadConn; calls made while it is down are answered by the new one', async () => {
    const statuses: OonClientProxyStatus[] = [];
    const subscription = (client.orders as OonClientProxy).status.subscribe((s) => statuses.push(s));
    const inFlight = failure(firstValueFrom(client.orders.send('orders.slow', 5_000)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.child.kill('SIGKILL');
    await server.exited;
    const lost = await inFlight;
    expect(lost).toBeInstanceOf(OonError);
    expect(lost).toMatchObject({ code: 'BadConn' });

    // Made while no server listens: it waits for the link (within its timeout), then runs on the new server.
    const whileDown = firstValueFrom(client.orders.send(Order, order('during-restart')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const oldPid = server.child.pid;
    server = await startServer(server.port);
    const receipt = await whileDown;
    expect(receipt).toBeInstanceOf(Receipt);
    expect(receipt.pid).toBe(server.child.pid);
    expect(receipt.pid).not.toBe(oldPid);
    expect(statuses).toEqual(expect.arrayContaining(['disconnected', 'reconnecting', 'connected']));
    expect(logs.some((line) => /^\[OonClientProxy\] log: reconnected to 127\.0\.0\.1:\d+ after \d+ attempts/.test(line))).toBe(true);
    subscription.unsubscribe();
  }, 30_000);
});

describe("Nest's lifecycle", () => {
  it("closes OON on SIGTERM (app.close() through Nest's shutdown hooks), and logs to Nest's Logger as OonTransport", async () => {
    await firstValueFrom(client.orders.send(Order, order('before-close')));
    server.child.kill('SIGTERM');
    await server.line(/^closed$/);
    expect(await server.exited).not.toBe('SIGKILL');
    expect(server.lines.some((line) => /\[OonTransport\].*client 127\.0\.0\.1:\d+ (connected|is gone)/.test(line))).toBe(true);
  }, 20_000);

  it("closes the proxy with the client app: status 'closed', the OonClient closed", async () => {
    const proxy = client.orders as OonClientProxy;
    const statuses: OonClientProxyStatus[] = [];
    const subscription = proxy.status.subscribe((s) => statuses.push(s));
    await client.app.close();
    subscription.unsubscribe();
    expect(statuses.at(-1)).toBe('closed');
    expect(proxy.unwrap<OonClient>().status).toBe('closed');
  });
});
