import type { FieldSchema, NetClassType, Registry } from '@oon/core';
import { describeRegistry, type RegistrySchema } from '../../schema/registry-schema';
import { agreeSchemas } from '../../schema/schema-agreement';
import type { OptionalField } from '../../schema/schema-extras';
import type { ClassResolution } from '../../schema/schema-resolution';

/** How the JSON codec reads one of the peer's classes that differs from this side's. */
export interface JsonPeerClass {
  readonly resolution: ClassResolution;
  /** This side's class, when it can read the peer's. */
  readonly ctor: NetClassType | undefined;
  /** The peer's wire names of fields, to this side's field (`undefined`: skipped). */
  readonly fields: ReadonlyMap<string, FieldSchema | undefined>;
  /** This side's `t.optional` fields the peer sends, by the peer's wire name: left out, they arrive `undefined`. */
  readonly optional: readonly OptionalField[];
}

/**
 * The JSON codec's view of a peer whose schema differs (docs/evolution.md): which of this
 * side's classes it cannot read and which fields it skips (for writing), and how to read
 * its differing classes (for reading). Built once per codec.
 */
export class JsonPeer {
  readonly refused: ReadonlyMap<string, ClassResolution>;
  readonly dropped: ReadonlyMap<string, ReadonlySet<string>>;
  readonly #classes = new Map<string, JsonPeerClass>();

  constructor(registry: Registry, peerSchema: RegistrySchema) {
    const agreement = agreeSchemas(describeRegistry(registry), peerSchema);
    this.refused = agreement.refused;
    this.dropped = agreement.dropped;
    for (const [name, resolution] of agreement.receive.classes) {
      if (resolution.identical && resolution.problems.length === 0) continue;
      const ctor = resolution.reader === undefined ? undefined : registry.classByName(resolution.reader.name);
      const schema = ctor === undefined ? undefined : registry.schemaOf(ctor);
      const fields = new Map<string, FieldSchema | undefined>();
      const optional: OptionalField[] = [];
      for (const { writer, reader } of resolution.fields) {
        const field = reader === undefined ? undefined : schema?.fieldByWireName.get(reader.name);
        fields.set(writer.name, field);
        if (field?.type.kind === 'optional') optional.push([writer.name, field]);
      }
      this.#classes.set(name, { resolution, ctor: resolution.problems.length === 0 ? ctor : undefined, fields, optional });
    }
  }

  /** How to read the peer's class of this wire name; `undefined` when it is read as this side's own. */
  classNamed(name: string): JsonPeerClass | undefined {
    return this.#classes.get(name);
  }
}
