import type { PrimitiveKind } from '@oon/core';

/**
 * A field type read back from its description (`describeType`: `array<Car>`,
 * `map<string, optional<int>>`, `enum CarMark`), which is all a peer's hello says of it.
 * Classes and enums are left as wire names, looked up in the schema that named them.
 */
export type SchemaType =
  | { readonly kind: PrimitiveKind }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'class'; readonly name: string }
  | { readonly kind: 'array' | 'set' | 'optional'; readonly of: SchemaType }
  | { readonly kind: 'map'; readonly key: 'string' | 'number' | 'int'; readonly value: SchemaType };

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveKind>(['number', 'int', 'float', 'string', 'boolean', 'null', 'json', 'date', 'bigint', 'bytes']);
const WRAPPERS = ['array', 'set', 'optional'] as const;
const MAP_KEYS = ['string', 'number', 'int'] as const;

/** Parsed descriptions, shared: the same few strings come back in every hello. */
const parsed = new Map<string, SchemaType>();
/** Bounds the cache against a hostile peer sending many distinct types. */
const MAX_CACHED = 4096;

/**
 * Reads a type description back into its structure. Never throws: whatever is not a
 * primitive, an enum or a collection is a class name (a peer may name its classes as
 * it likes, `cars.Car` included).
 */
export function parseSchemaType(text: string): SchemaType {
  let type = parsed.get(text);
  if (type === undefined) {
    type = parse(text);
    if (parsed.size < MAX_CACHED) parsed.set(text, type);
  }
  return type;
}

function parse(text: string): SchemaType {
  if (PRIMITIVES.has(text)) return { kind: text as PrimitiveKind };
  if (text.startsWith('enum ')) return { kind: 'enum', name: text.slice('enum '.length) };
  if (text.endsWith('>')) {
    for (const kind of WRAPPERS) {
      if (text.startsWith(`${kind}<`)) return { kind, of: parse(text.slice(kind.length + 1, -1)) };
    }
    for (const key of MAP_KEYS) {
      const head = `map<${key}, `;
      if (text.startsWith(head)) return { kind: 'map', key, value: parse(text.slice(head.length, -1)) };
    }
  }
  return { kind: 'class', name: text };
}
