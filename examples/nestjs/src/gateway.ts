// The gateway: an HTTP app that calls the order service through OonClientProxy.
// `node dist/gateway.js [httpPort] [ordersPort]` (defaults 3000 and 9090).
import 'reflect-metadata';
import { Body, Controller, Get, HttpException, HttpStatus, Inject, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom, timeout, toArray } from 'rxjs';
import { OonError } from '@oon/core';
import { OonClientProxy } from '@oon/nestjs';
import { Order, Receipt, TrackingStep } from './orders';

/** An OON failure as an HTTP answer: the service's own code (`appCode`) says which. */
function toHttp(error: unknown): HttpException {
  if (!(error instanceof OonError)) return new HttpException('the order service did not answer in time', HttpStatus.GATEWAY_TIMEOUT);
  const status =
    error.appCode === 'ALREADY_SHIPPED' ? HttpStatus.CONFLICT
    : error.appCode === 'UNKNOWN_ORDER' || error.appCode === 'UNKNOWN_SKU' ? HttpStatus.NOT_FOUND
    : error.code === 'BadData' ? HttpStatus.BAD_REQUEST // refused by validation before any handler ran
    : HttpStatus.BAD_GATEWAY;
  return new HttpException({ code: error.appCode ?? error.code, message: error.message }, status);
}

@Controller('orders')
class OrdersController {
  constructor(@Inject('ORDERS') private readonly orders: ClientProxy) {}

  @Post()
  async place(@Body() body: Partial<Order>): Promise<{ receipt: Receipt; total: string }> {
    const order = Object.assign(new Order(), body);
    try {
      const receipt = await firstValueFrom(this.orders.send<Receipt>(Order, order).pipe(timeout(5_000)));
      return { receipt, total: receipt.total() };
    } catch (error) {
      throw toHttp(error);
    }
  }

  @Get(':id/tracking')
  async track(@Param('id') id: string): Promise<TrackingStep[]> {
    this.orders.emit('orders.viewed', id);
    try {
      return await lastValueFrom(this.orders.send<TrackingStep>('orders.track', id).pipe(toArray(), timeout(5_000)));
    } catch (error) {
      throw toHttp(error);
    }
  }

  @Post(':id/cancel')
  async cancel(@Param('id') id: string): Promise<void> {
    try {
      await firstValueFrom(this.orders.send('orders.cancel', id).pipe(timeout(5_000)));
    } catch (error) {
      throw toHttp(error);
    }
  }
}

/** The gateway app, calling the order service at `ordersPort`. */
export async function createGateway(ordersPort: number, logger = true): Promise<INestApplication> {
  @Module({
    imports: [ClientsModule.register([{ name: 'ORDERS', customClass: OonClientProxy, options: { port: ordersPort } }])],
    controllers: [OrdersController],
  })
  class GatewayModule {}
  return NestFactory.create(GatewayModule, logger ? {} : { logger: false });
}

if (require.main === module) {
  void (async () => {
    const app = await createGateway(Number(process.argv[3] ?? 9090));
    app.enableShutdownHooks();
    await app.listen(Number(process.argv[2] ?? 3000), '127.0.0.1');
    console.log(`gateway on ${await app.getUrl()}`);
  })();
}
