/**
 * A hybrid Nest app (HTTP, plus OON with `connectMicroservice`) answering an
 * OonClientProxy, and examples/nestjs run as its README says (the order service in a
 * child process, the HTTP gateway calling it through OON).
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import type { OonServer } from '@oon/server';
import { Registry } from '@oon/core';
import { NestCall, OonClientProxy, OonTransport, type OonContext } from '@oon/nestjs';
import { Order, Receipt } from '../../../test/fixtures/nest-app/src/orders';
import { runNode } from '../../../test/support/node-process';

@Controller()
class HybridController {
  @Get('health')
  health(): string {
    return 'ok';
  }

  @MessagePattern('orders.echo')
  echo(@Payload() order: Order): Order[] {
    return [order, order];
  }

  @MessagePattern(Order)
  place(@Payload() order: Order): Receipt {
    return Object.assign(new Receipt(), { sku: order.sku, quantity: order.quantity, receivedAs: order.constructor.name, pid: process.pid });
  }
}

@Module({ controllers: [HybridController] })
class HybridModule {}

describe('a hybrid app (HTTP with connectMicroservice)', () => {
  it('answers OON requests beside HTTP, and app.close() closes OON', async () => {
    const app = await NestFactory.create(HybridModule, { logger: false });
    const transport = new OonTransport({ port: 0, logger: false });
    app.connectMicroservice({ strategy: transport });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    const server = transport.unwrap<OonServer>();
    const port = server.address()?.port ?? 0;
    const client = new OonClientProxy({ port, logger: false });
    try {
      const receipt = await firstValueFrom(client.send(Order, Object.assign(new Order(), { sku: 'H1', quantity: 5 })));
      expect(receipt).toBeInstanceOf(Receipt);
      expect(receipt).toMatchObject({ sku: 'H1', quantity: 5 });
      const health = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/health`);
      expect(await health.text()).toBe('ok');
    } finally {
      await client.close();
      await app.close();
    }
    expect(server.listening).toBe(false);
  });
});

describe("Nest's processing hooks (tracing)", () => {
  it("wrap each request, as Nest's own transports do", async () => {
    const transport = new OonTransport({ port: 0, logger: false });
    const seen: string[] = [];
    transport.setOnProcessingStartHook((_id, context, done) => {
      seen.push(`start ${(context as OonContext).getPattern()}`);
      return done();
    });
    transport.setOnProcessingEndHook((_id, context) => seen.push(`end ${(context as OonContext).getPattern()}`));
    const app = await NestFactory.createMicroservice(HybridModule, { strategy: transport, logger: false });
    await app.listen();
    const client = new OonClientProxy({ port: transport.unwrap<OonServer>().address()?.port ?? 0, logger: false });
    try {
      await firstValueFrom(client.send(Order, Object.assign(new Order(), { sku: 'T1' })));
      expect(seen).toEqual(['start Order', 'end Order']);
    } finally {
      await client.close();
      await app.close();
    }
  });
});

describe('endpoints with a registry of their own', () => {
  it('register the carriers there, and revive what they carry with it', async () => {
    const registry = new Registry();
    registry.register(Order, 'own.Order');
    registry.register(Receipt, 'own.Receipt');
    const transport = new OonTransport({ port: 0, logger: false, registry });
    const app = await NestFactory.createMicroservice(HybridModule, { strategy: transport, logger: false });
    await app.listen();
    const client = new OonClientProxy({ port: transport.unwrap<OonServer>().address()?.port ?? 0, logger: false, registry });
    try {
      const order = Object.assign(new Order(), { sku: 'R1', quantity: 2 });
      expect(await firstValueFrom(client.send(Order, order))).toBeInstanceOf(Receipt);
      const echoed = await firstValueFrom(client.send<Order[]>('orders.echo', order));
      expect(echoed).toEqual([order, order]);
      expect(echoed[0]).toBeInstanceOf(Order);
      expect(registry.nameOf(NestCall)).toBe('oon.nestjs.Call');
    } finally {
      await client.close();
      await app.close();
    }
  });
});

describe('examples/nestjs', () => {
  it('runs with one command: orders placed, refused, tracked and not cancelled, through the gateway', async () => {
    const run = runNode(join(__dirname, '..', '..', '..', 'examples', 'nestjs', 'dist', 'main.js'), [], { timeoutMs: 30_000 });
    expect(await run.exited).toBe(0);
    const out = run.lines.filter((line) => /^(POST|GET) /.test(line));
    expect(out[0]).toMatch(/^POST \/orders -> 201 \{"receipt":\{"orderId":"o-1","sku":"KB-101","quantity":2,"totalCents":9998,.*"total":"\$99\.98"\}$/);
    expect(out[1]).toMatch(/^POST \/orders -> 400 .*Order\.quantity fails min/);
    expect(out[2]).toMatch(/^POST \/orders -> 404 \{"code":"UNKNOWN_SKU"/);
    expect(out[3]).toMatch(/^GET \/orders\/o-1\/tracking -> 200 \[\{"orderId":"o-1","step":"packed".*"step":"shipped".*"step":"delivered"/);
    expect(out[4]).toMatch(/^POST \/orders\/o-1\/cancel -> 409 \{"code":"ALREADY_SHIPPED"/);
    expect(run.lines).toContain('done');
  }, 40_000);
});

describe('OonClientProxy#connect()', () => {
  it('fails with BadConn while nothing listens, and connects on the next call once the service is up', async () => {
    const probe = new OonTransport({ port: 0, logger: false });
    const port = await new Promise<number>((resolve) => probe.listen(() => resolve(probe.unwrap<OonServer>().address()?.port ?? 0)));
    await probe.close();
    const client = new OonClientProxy({ port, logger: false });
    try {
      const refused = await firstValueFrom(client.send(Order, Object.assign(new Order(), { sku: 'C1' }))).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'BadConn' });
      const app = await NestFactory.createMicroservice(HybridModule, { strategy: new OonTransport({ port, logger: false }), logger: false });
      await app.listen();
      try {
        expect(await firstValueFrom(client.send(Order, Object.assign(new Order(), { sku: 'C2' })))).toMatchObject({ sku: 'C2' });
      } finally {
        await client.close();
        await app.close();
      }
    } finally {
      await client.close();
    }
  });
});
