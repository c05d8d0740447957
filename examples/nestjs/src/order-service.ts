// The order service: a Nest microservice listening with OON.
// `node dist/order-service.js [port]` (default 9090); prints `listening <port>`.
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { interval, map, take, type Observable } from 'rxjs';
import { OonTransport } from '@oon/nestjs';
import { Order, Receipt, TrackingStep } from './orders';

const PRICE_CENTS: Record<string, number> = { 'KB-101': 4999, 'MS-202': 2499 };

@Controller()
class OrdersController {
  readonly #orders = new Map<string, Receipt>();
  /** Views of each order's tracking, counted from `'orders.viewed'` events. */
  readonly #views = new Map<string, number>();

  /** A class pattern: any `Order` (or subclass) sent with `send(Order, order)` lands here, revived and validated. */
  @MessagePattern(Order)
  place(@Payload() order: Order): Receipt {
    const price = PRICE_CENTS[order.sku];
    if (price === undefined) throw new RpcException({ code: 'UNKNOWN_SKU', message: `no product ${order.sku}`, sku: order.sku });
    const receipt = Object.assign(new Receipt(), {
      orderId: `o-${this.#orders.size + 1}`,
      sku: order.sku,
      quantity: order.quantity,
      totalCents: price * order.quantity,
      placedAt: new Date(),
    });
    this.#orders.set(receipt.orderId, receipt);
    return receipt;
  }

  /** An Observable: the caller gets every step, each a TrackingStep. */
  @MessagePattern('orders.track')
  track(@Payload() orderId: string): Observable<TrackingStep> {
    this.#known(orderId);
    const steps = ['packed', 'shipped', 'delivered'];
    return interval(10).pipe(
      take(steps.length),
      map((i) => Object.assign(new TrackingStep(), { orderId, step: steps[i], at: new Date() })),
    );
  }

  @MessagePattern('orders.cancel')
  cancel(@Payload() orderId: string): never {
    this.#known(orderId);
    throw new RpcException({ code: 'ALREADY_SHIPPED', message: `order ${orderId} has shipped and cannot be cancelled` });
  }

  /** An event: no reply. */
  @EventPattern('orders.viewed')
  viewed(@Payload() orderId: string): void {
    this.#views.set(orderId, (this.#views.get(orderId) ?? 0) + 1);
  }

  @MessagePattern('orders.views')
  views(@Payload() orderId: string): number {
    return this.#views.get(orderId) ?? 0;
  }

  #known(orderId: string): void {
    if (!this.#orders.has(orderId)) throw new RpcException({ code: 'UNKNOWN_ORDER', message: `no order ${orderId}` });
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

async function main(): Promise<void> {
  const transport = new OonTransport({ port: Number(process.argv[2] ?? 9090) });
  const app = await NestFactory.createMicroservice(OrdersModule, { strategy: transport });
  app.enableShutdownHooks();
  await app.listen();
  // unwrap() is the OonServer underneath: its address, broadcast(), rooms, peers.
  const port = transport.unwrap().address()?.port ?? 0;
  console.log(`listening ${port}`);
  process.send?.({ port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
