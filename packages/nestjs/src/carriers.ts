import { NetClass, NetField, NetMessage, t, type JsonValue } from '@oon/core';
import { JsonCodec } from '@oon/wire';

/**
 * Writes and reads the instances a carrier holds, as OON's JSON: each names its class
 * and fields, so it is revived (and validated) as its class on the other side. A field
 * cannot be typed "any registered class" in OON's schema, so a carrier holds them as text.
 */
const codec = new JsonCodec();

/**
 * One value that is not a single registered instance, as it travels in a
 * {@link NestCall} or a {@link NestReply}: an instance, an array of instances (each in
 * OON's JSON), or plain JSON (a string, a number, a plain object). All three absent is
 * `undefined`.
 */
@NetClass('oon.nestjs.Value')
export class NestValue {
  /** A registered instance, in OON's JSON. */
  @NetField(t.optional(t.string)) instance?: string;
  /** Registered instances, each in OON's JSON. */
  @NetField(t.optional(t.array(t.string))) instances?: string[];
  /** Plain JSON, carried as it is. */
  @NetField(t.optional(t.json)) json?: JsonValue;
}

/**
 * A message or an event sent with a string (or object) pattern: the route Nest derives
 * from the pattern, and the payload. `client.send('orders.count', query)` travels as a
 * `NestCall` with `pattern: 'orders.count'`. A call with a class pattern needs no
 * carrier: the instance itself is sent.
 */
@NetClass('oon.nestjs.Call')
export class NestCall extends NestValue {
  /** The pattern's route, as Nest normalizes it (`'sum'`, `'{"cmd":"sum"}'`). */
  @NetField() pattern: string = '';
}

/**
 * A reply that is not one registered instance: several values (an Observable that
 * emitted more than one), none, or values that are not instances. A handler that
 * returns one instance is answered with that instance itself.
 */
@NetClass('oon.nestjs.Reply')
export class NestReply {
  /** The values, in the order the handler emitted them. */
  @NetField(() => [NestValue]) values: NestValue[] = [];
}

/** True for an instance of a class, which travels as itself rather than as plain JSON. */
function isInstance(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto !== Object.prototype && proto !== null;
}

function write(object: object): string {
  return codec.encode(new NetMessage(object));
}

function read(text: string): object {
  return codec.decode(text).object;
}

/** Fills a carrier's value fields with `value`; throws `BadData` for an instance OON cannot send. */
export function setValue<V extends NestValue>(carrier: V, value: unknown): V {
  if (value === undefined) return carrier;
  if (isInstance(value)) carrier.instance = write(value);
  else if (Array.isArray(value) && value.length > 0 && value.every(isInstance)) carrier.instances = value.map(write);
  else carrier.json = value as JsonValue;
  return carrier;
}

/** The value a carrier holds, its instances revived and validated; throws `BadData` for one that cannot be. */
export function valueOf(carrier: NestValue): unknown {
  if (carrier.instance !== undefined) return read(carrier.instance);
  if (carrier.instances !== undefined) return carrier.instances.map(read);
  return carrier.json;
}

/** A call carrying `data` under the route `pattern`. */
export function callOf(pattern: string, data: unknown): NestCall {
  const call = setValue(new NestCall(), data);
  call.pattern = pattern;
  return call;
}

/** What answers a request whose handler emitted `values`: one instance as itself, anything else in a {@link NestReply}. */
export function replyOf(values: readonly unknown[]): object {
  const [first] = values;
  if (values.length === 1 && isInstance(first)) return first;
  const reply = new NestReply();
  reply.values = values.map((value) => setValue(new NestValue(), value));
  return reply;
}

/** The values a reply carries, in order. */
export function valuesOf(reply: object): unknown[] {
  return reply instanceof NestReply ? reply.values.map(valueOf) : [reply];
}
