/** Any class, abstract ones included: what typed dispatch matches objects against. */
export type AnyClass<T extends object = object> = abstract new (...args: never[]) => T;

/**
 * Wraps a listener so it is called only for instances of `type` (subclasses included),
 * typed as such: the one implementation behind `server.onMessage(Class, …)` and
 * `client.onMessage(Class, …)`.
 */
export function forInstancesOf<C extends object, Rest extends unknown[]>(
  type: AnyClass<C>,
  listener: (object: C, ...rest: Rest) => void,
): (object: object, ...rest: Rest) => void {
  return (object, ...rest) => {
    if (object instanceof type) listener(object, ...rest);
  };
}
