import type { ClassSchema, FieldSchema } from '@oon/core';

/** An optional field and the wire name it is read by. */
export type OptionalField = readonly [wireName: string, field: FieldSchema];

const optional = new WeakMap<ClassSchema, readonly OptionalField[]>();

/** A class's fields typed `t.optional(…)`, by wire name: an absent one arrives as `undefined`. Cached per schema. */
export function optionalFields(schema: ClassSchema): readonly OptionalField[] {
  let fields = optional.get(schema);
  if (fields === undefined) {
    fields = schema.fields.filter((f) => f.type.kind === 'optional').map((f) => [f.wireName, f] as const);
    optional.set(schema, fields);
  }
  return fields;
}
