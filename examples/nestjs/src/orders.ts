// The classes the order service and the gateway share: what travels between them, as itself.
import 'reflect-metadata';
import { IsInt, IsNotEmpty, Min } from 'class-validator';
import { NetClass, NetField } from '@oon/core';

/** An order to place; class-validator's rules are checked wherever OON revives one. */
@NetClass('shop.Order')
export class Order {
  @NetField() @IsNotEmpty() sku: string = '';
  @NetField() @IsInt() @Min(1) quantity: number = 1;
  @NetField() customer: string = '';
}

/** What placing an order answers. */
@NetClass('shop.Receipt')
export class Receipt {
  @NetField() orderId: string = '';
  @NetField() sku: string = '';
  @NetField() quantity: number = 0;
  @NetField() totalCents: number = 0;
  @NetField() placedAt: Date = new Date(0);

  /** A method: the gateway gets a real Receipt, not a plain object. */
  total(): string {
    return `$${(this.totalCents / 100).toFixed(2)}`;
  }
}

/** One step of an order's way to the customer. */
@NetClass('shop.TrackingStep')
export class TrackingStep {
  @NetField() orderId: string = '';
  @NetField() step: string = '';
  @NetField() at: Date = new Date(0);
}
