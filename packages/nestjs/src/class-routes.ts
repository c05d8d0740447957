import type { MessageHandler } from '@nestjs/microservices';

/** A class given as a pattern: `@MessagePattern(Order)`. */
export type ClassPattern = abstract new (...args: never[]) => object;

/** True for a pattern that is a class (a constructor function) rather than a string or an object. */
export function isClassPattern(pattern: unknown): pattern is ClassPattern {
  return typeof pattern === 'function';
}

/**
 * The handlers of class patterns: an object goes to the handler of its own class or,
 * failing that, of its nearest ancestor that has one (so `@MessagePattern(Order)` also
 * answers a `RushOrder extends Order`). Event handlers of one class are chained as Nest
 * chains them for a string pattern: each one runs.
 */
export class ClassRoutes {
  readonly #handlers = new Map<Function, MessageHandler>();

  /** Adds a handler; a second event handler of the same class runs after the first. */
  add(type: ClassPattern, handler: MessageHandler): void {
    const head = this.#handlers.get(type);
    if (head === undefined || handler.isEventHandler !== true) {
      this.#handlers.set(type, handler);
      return;
    }
    let tail = head;
    while (tail.next !== undefined) tail = tail.next as MessageHandler;
    tail.next = handler;
  }

  /** The handler for `object`, found by its class and then its ancestors; `undefined` if none fits. */
  find(object: object): MessageHandler | undefined {
    for (let proto: unknown = Object.getPrototypeOf(object); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      const handler = this.#handlers.get((proto as { constructor: Function }).constructor);
      if (handler !== undefined) return handler;
    }
    return undefined;
  }

  /** The classes that have handlers, for messages that name what is there. */
  get classes(): Function[] {
    return [...this.#handlers.keys()];
  }
}
