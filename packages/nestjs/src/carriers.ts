import { defaultRegistry, NetClass, NetField, NetMessage, t, type JsonValue, type NetClassType } from '@oon/core';
import { JsonCodec, requestName, type CodecOptions } from '@oon/wire';

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

  /** The call as its failures name it, by its pattern: `"orders.cancel"`, `{"cmd":"sum"}` (the carrier's class would say nothing). */
  [requestName](): string {
    return this.pattern.startsWith('{') ? this.pattern : JSON.stringify(this.pattern);
  }
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

/** The carriers and their wire names, registered (in this order) in an endpoint's own registry when it has one. */
const CARRIERS: ReadonlyArray<readonly [NetClassType, string]> = [
  [NestValue, 'oon.nestjs.Value'],
  [NestCall, 'oon.nestjs.Call'],
  [NestReply, 'oon.nestjs.Reply'],
];

/**
 * Packs values into carriers and unpacks them, for one endpoint. Instances inside a
 * carrier travel as OON's JSON text, written and read with the endpoint's registry,
 * limits and validation: OON's schema has no field type for "an instance of any
 * registered class", so a carrier holds them as text, each naming its class.
 */
export class Carriers {
  readonly #codec: JsonCodec;

  /** `options`: the endpoint's; a registry of its own gets the carrier classes. */
  constructor(options: CodecOptions) {
    const { registry = defaultRegistry, maxDepth, maxCollectionLength, maxStringBytes, maxBigIntDigits, references, validate } = options;
    for (const [ctor, name] of CARRIERS) if (registry.nameOf(ctor) === undefined) registry.register(ctor, name);
    const given = { maxDepth, maxCollectionLength, maxStringBytes, maxBigIntDigits, references, validate };
    const limits = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as CodecOptions;
    this.#codec = new JsonCodec({ ...limits, registry });
  }

  /** A call carrying `data` under the route `pattern`; throws `BadData` for an instance OON cannot send. */
  call(pattern: string, data: unknown): NestCall {
    const call = this.#fill(new NestCall(), data);
    call.pattern = pattern;
    return call;
  }

  /** What answers a request whose handler emitted `values`: one instance as itself, anything else in a {@link NestReply}. */
  reply(values: readonly unknown[]): object {
    const [first] = values;
    if (values.length === 1 && isInstance(first)) return first;
    const reply = new NestReply();
    reply.values = values.map((value) => this.#fill(new NestValue(), value));
    return reply;
  }

  /** The value a carrier holds, its instances revived and validated; throws `BadData` for one that cannot be. */
  valueOf(carrier: NestValue): unknown {
    if (carrier.instance !== undefined) return this.#read(carrier.instance);
    if (carrier.instances !== undefined) return carrier.instances.map((text) => this.#read(text));
    return carrier.json;
  }

  /** The values a reply carries, in order. */
  valuesOf(reply: object): unknown[] {
    return reply instanceof NestReply ? reply.values.map((value) => this.valueOf(value)) : [reply];
  }

  #fill<V extends NestValue>(carrier: V, value: unknown): V {
    if (value === undefined) return carrier;
    if (isInstance(value)) carrier.instance = this.#write(value);
    else if (Array.isArray(value) && value.length > 0 && value.every(isInstance)) carrier.instances = value.map((item: object) => this.#write(item));
    else carrier.json = value as JsonValue;
    return carrier;
  }

  #write(object: object): string {
    return this.#codec.encode(new NetMessage(object));
  }

  #read(text: string): object {
    return this.#codec.decode(text).object;
  }
}
