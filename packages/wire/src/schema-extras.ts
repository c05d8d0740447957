import type { ClassSchema, FieldSchema } from '@oon/core';

const optional = new WeakMap<ClassSchema, readonly FieldSchema[]>();

/** A class's fields typed `t.optional(…)`: an absent one arrives as `undefined`. Cached per schema. */
export function optionalFields(schema: ClassSchema): readonly FieldSchema[] {
  let fields = optional.get(schema);
  if (fields === undefined) {
    fields = schema.fields.filter((f) => f.type.kind === 'optional');
    optional.set(schema, fields);
  }
  return fields;
}
