import { Logger as NestLogger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom, toArray, type Observable } from 'rxjs';
import { BadDataError } from '@oon/core';
import { OonServer, type Logger, type OonServerEvents, type OonServerOptions, type Peer } from '@oon/server';
import { requestName } from '@oon/wire';
import { Carriers, NestCall } from './carriers';
import { ClassRoutes, isClassPattern } from './class-routes';
import { nestLogger } from './nest-logger';
import { OonContext } from './oon-context';
import { handlerFailure } from './rpc-error';

/** Marks handlers for OON alone in a hybrid app: `@MessagePattern(Order, OON_TRANSPORT)`. */
export const OON_TRANSPORT: unique symbol = Symbol('OON_TRANSPORT');

/** Options of {@link OonTransport}: those of `OonServer`, with Nest's logger as the default `logger`. */
export interface OonTransportOptions extends Omit<OonServerOptions, 'logger'> {
  /**
   * Where OON logs what it does on its own (refusals, drops, reconnects): Nest's
   * `Logger` with the context `OonTransport` unless given; `false` logs nothing.
   * @default a Nest Logger('OonTransport')
   */
  logger?: Logger | false;
}

/** Where an {@link OonTransport} is: `'listening'` once bound, `'closed'` after `close()`. */
export type OonTransportStatus = 'listening' | 'closed';

/** The `OonServer` events {@link OonTransport.on} listens to, as callbacks. */
export type OonTransportEvents = { [K in keyof OonServerEvents]: (...args: OonServerEvents[K]) => void };

/**
 * A Nest microservice transport that speaks OON: `@MessagePattern` handlers answer OON
 * requests and `@EventPattern` handlers receive OON messages, as revived instances.
 * A pattern may be a class (`@MessagePattern(Order)`: an `Order`, or an instance of a
 * subclass, sent as it is) or a string (the payload travels in a {@link NestCall}).
 * A handler's return value, promise or Observable is the reply (every value an
 * Observable emits, in one reply once it completes); what it throws reaches the caller
 * as an `OonError` (docs/nestjs.md).
 *
 * @example
 * ```ts fragment
 * const app = await NestFactory.createMicroservice(AppModule, { strategy: new OonTransport({ port: 9090 }) });
 * await app.listen();
 * ```
 */
export class OonTransport extends Server<OonTransportEvents, OonTransportStatus> implements CustomTransportStrategy {
  /** Tells OON's handlers from other transports' in a hybrid app. */
  override readonly transportId = OON_TRANSPORT;
  readonly #server: OonServer;
  readonly #classes = new ClassRoutes();
  readonly #carriers: Carriers;
  /** For what fails in the app's own handlers, which OON cannot see. */
  readonly #nestLogger = new NestLogger('OonTransport');

  constructor(options: OonTransportOptions = {}) {
    super();
    const { logger = nestLogger('OonTransport'), ...serverOptions } = options;
    this.#carriers = new Carriers(serverOptions);
    this.#server = new OonServer(logger === false ? serverOptions : { ...serverOptions, logger });
    this.#server.handle(Object, (object, peer, signal) => this.#answer(object, peer, signal));
    // Always listened to: without a 'message' listener OON would hold events for accept()/receive().
    this.#server.on('message', (object, peer) => void this.#receive(object, peer));
  }

  /** Starts listening; Nest calls it from `app.listen()` (or `app.startAllMicroservices()`). */
  listen(callback: (error?: unknown, address?: unknown) => void): void {
    this.#server.listen().then(
      (address) => {
        this._status$.next('listening');
        callback(undefined, address);
      },
      (error: unknown) => callback(error),
    );
  }

  /** Closes OON gracefully: every connection is closed and every session ended. Nest calls it from `app.close()`. */
  async close(): Promise<void> {
    await this.#server.close();
    this._status$.next('closed');
  }

  /** The `OonServer` underneath: `app.unwrap<OonServer>()`, for `broadcast`, rooms and `peers`. */
  unwrap<T = OonServer>(): T {
    return this.#server as T;
  }

  /** Listens to an event of the `OonServer`: `'connection'`, `'disconnect'`, `'error'`, … */
  on<K extends keyof OonTransportEvents>(event: K, callback: OonTransportEvents[K]): void {
    this.#server.on(event, callback as never);
  }

  /** Nest registers each handler here; class patterns are kept apart, to be matched by class. */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    if (!isClassPattern(pattern)) {
      super.addHandler(pattern, callback, isEventHandler, extras);
      return;
    }
    callback.isEventHandler = isEventHandler;
    callback.extras = extras;
    this.#classes.add(pattern, callback);
  }

  /** Answers one request: runs its handler and collects what it emits into the reply. */
  async #answer(object: object, peer: Peer, signal: AbortSignal): Promise<object> {
    const { handler, pattern, data } = this.#route(object, '@MessagePattern');
    const context = new OonContext([peer, pattern, signal]);
    let values: unknown[];
    try {
      values = await this.#processing(context, async () => {
        const result: unknown = await handler(data, context);
        // A plain value (the usual reply) needs no Observable around it.
        return isObservable(result) ? lastValueFrom(result.pipe(toArray())) : [result];
      });
    } catch (error) {
      throw handlerFailure(error);
    }
    return this.#carriers.reply(values);
  }

  /** Runs the event handlers of one message; a failure is logged, and the connection goes on. */
  async #receive(object: object, peer: Peer): Promise<void> {
    try {
      const { handler, pattern, data } = this.#route(object, '@EventPattern');
      const context = new OonContext([peer, pattern, undefined]);
      await this.#processing(context, async () => {
        const result: unknown = await handler(data, context);
        if (isObservable(result)) await lastValueFrom(result as Observable<unknown>, { defaultValue: undefined });
      });
    } catch (error) {
      const name = object instanceof NestCall ? object[requestName]() : object.constructor.name;
      this.#nestLogger.error(`${name} event from client ${String(peer)} failed: ${describe(error)}`);
    }
  }

  /**
   * Runs `work` inside Nest's processing hooks (`setOnProcessingStartHook`, used by tracing),
   * as Nest's own transports do; the hook may run it later, or in a context of its own.
   */
  #processing<T>(context: OonContext, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.onProcessingStartHook(this.transportId, context, async () => {
        try {
          resolve(await work());
        } catch (error) {
          reject(error);
        } finally {
          this.onProcessingEndHook?.(this.transportId, context);
        }
      });
    });
  }

  /**
   * The handler, pattern and payload of what arrived; `BadData` when no handler fits. The
   * message leaves the pattern to what it follows: the request's name in the caller's
   * error (`"orders.nope" request failed: …`, `Order request failed: …`), the event's in the log.
   */
  #route(object: object, decorator: string): { handler: MessageHandler; pattern: string; data: unknown } {
    if (object instanceof NestCall) {
      const handler = this.getHandlerByPattern(object.pattern);
      if (handler === null) throw new BadDataError(`no ${decorator} handler in this Nest app has this pattern`);
      return { handler, pattern: object.pattern, data: this.#carriers.valueOf(object) };
    }
    const handler = this.#classes.find(object);
    if (handler === undefined) throw new BadDataError(`no ${decorator} handler in this Nest app takes this class, nor a class it extends`);
    return { handler, pattern: object.constructor.name, data: object };
  }
}

/** What failed, as one line: an error's message, else the value as JSON when it can be written so. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
