import type { NetClassType, Registry } from '@oon/core';

/**
 * Looks for a reference cycle in an object graph, to explain a `maxDepth` failure while
 * encoding. It runs only on that error path, so the encoders keep no ancestor set per
 * message. The walk is bounded by `maxDepth + 1` levels: a cycle that made the encoder
 * go that deep repeats within them.
 *
 * Returns the cycle as paths (`body.next.next refers back to body`), or undefined.
 */
export function findCycle(registry: Registry, root: object, rootPath: string, maxDepth: number): string | undefined {
  const onPath = new Map<object, string>();
  const cleared = new Set<object>();
  const visit = (value: unknown, path: string, depth: number): string | undefined => {
    if (typeof value !== 'object' || value === null || depth > maxDepth + 1 || cleared.has(value)) return undefined;
    const ancestor = onPath.get(value);
    if (ancestor !== undefined) return `${path} refers back to ${ancestor}`;
    onPath.set(value, path);
    for (const [suffix, child] of childrenOf(registry, value)) {
      const found = visit(child, path + suffix, depth + 1);
      if (found !== undefined) return found;
    }
    onPath.delete(value);
    cleared.add(value);
    return undefined;
  };
  return visit(root, rootPath, 0);
}

function* childrenOf(registry: Registry, value: object): Iterable<[suffix: string, child: unknown]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield [`[${i}]`, value[i]];
  } else if (value instanceof Map) {
    for (const [key, item] of value) yield [`[${JSON.stringify(key)}]`, item];
  } else if (value instanceof Set) {
    let i = 0;
    for (const item of value) yield [`{${i++}}`, item];
  } else if (registry.nameOf(value.constructor) !== undefined) {
    const record = value as Record<string, unknown>;
    for (const field of registry.schemaOf(value.constructor as NetClassType).fields) yield [`.${field.wireName}`, record[field.key]];
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) yield [`.${key}`, item];
  }
}
