/**
 * The method by which a request names itself in its failures. A request whose handler
 * fails reaches its caller as an `OonError` reading `<name> request failed: <why>`, the
 * name being the request's class (`Refund request failed: …`); an object with a
 * `[requestName]()` method gives the name instead. For a class that carries several
 * kinds of call, whose name would say nothing: `@oon/nestjs`'s `NestCall` names the
 * pattern it carries (`"orders.cancel" request failed: …`). `Symbol.for`, so every copy
 * of OON sees the same key.
 *
 * @example
 * ```ts fragment
 * @NetClass('shop.Command')
 * class Command {
 *   @NetField() action: string = '';
 *   [requestName](): string {
 *     return `${this.action} command`; // "refund command request failed: …"
 *   }
 * }
 * ```
 */
export const requestName: unique symbol = Symbol.for('oon.requestName');

/** The name of `object` as a request, in its failures: what it says of itself, else its class's name. */
export function nameOfRequest(object: object): string {
  const own: unknown = (object as { [requestName]?: unknown })[requestName];
  if (typeof own === 'function') {
    try {
      const name: unknown = own.call(object);
      if (typeof name === 'string' && name !== '') return name;
    } catch {
      // A name that cannot be had is no reason to lose the failure it names: the class's.
    }
  }
  return object.constructor.name;
}
