import { BadDataError } from '@oon/core';
import { schemaHash, type RegistrySchema } from './registry-schema';
import { resolveSchemas, type ClassResolution, type SchemaProblem, type SchemaResolution } from './schema-resolution';

/**
 * What two sides with different schemas agreed in their handshake: how each side's
 * classes are read by the other. Both sides compute both directions from the two hellos,
 * so a sender knows, before writing a byte, whether the peer can read what it sends.
 */
export interface SchemaAgreement {
  /** This side's classes as the peer reads them (this side writes). */
  readonly send: SchemaResolution;
  /** The peer's classes as this side reads them (the peer writes). */
  readonly receive: SchemaResolution;
  /** This side's classes the peer cannot read, by wire name: sending one is refused. */
  readonly refused: ReadonlyMap<string, ClassResolution>;
  /** Per class of this side, the fields the peer skips: what is in them need not be readable there. */
  readonly dropped: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What a connection between two different schemas cannot carry, per class and direction. */
export interface SchemaProblems {
  /** This side's classes the peer cannot read: sending one fails that send with `BadData`. */
  readonly send: readonly SchemaProblem[];
  /** The peer's classes this side cannot read: the peer's OON refuses to send them. */
  readonly receive: readonly SchemaProblem[];
}

/** Agreements by the pair of hashes: many connections between two versions share one. */
const agreements = new Map<string, SchemaAgreement>();
/** Bounds the cache: a hostile peer could otherwise state a new schema per connection. */
const MAX_AGREEMENTS = 64;

/** The agreement between this side's schema and the peer's, computed once per pair of schemas. */
export function agreeSchemas(ours: RegistrySchema, peer: RegistrySchema): SchemaAgreement {
  // The peer's hash is hashed again here, not taken as stated: a peer stating another's
  // hash with a schema of its own would otherwise choose how later peers are read.
  const key = `${ours.hash}/${schemaHash(peer.classes, peer.enums)}`;
  let agreement = agreements.get(key);
  if (agreement === undefined) {
    agreement = agree(resolveSchemas(ours, peer, { writer: 'this side', reader: 'the peer' }), resolveSchemas(peer, ours, { writer: 'the peer', reader: 'this side' }));
    if (agreements.size >= MAX_AGREEMENTS) agreements.delete(agreements.keys().next().value as string);
    agreements.set(key, agreement);
  }
  return agreement;
}

function agree(send: SchemaResolution, receive: SchemaResolution): SchemaAgreement {
  const refused = new Map<string, ClassResolution>();
  const dropped = new Map<string, ReadonlySet<string>>();
  for (const [name, resolution] of send.classes) {
    if (resolution.problems.length > 0) refused.set(name, resolution);
    const skipped = resolution.fields.filter((f) => f.reader === undefined).map((f) => f.writer.name);
    if (skipped.length > 0) dropped.set(name, new Set(skipped));
  }
  return { send, receive, refused, dropped };
}

/** Every problem of an agreement, per direction. */
export function agreementProblems(agreement: SchemaAgreement): SchemaProblems {
  return { send: problemsOf(agreement.send), receive: problemsOf(agreement.receive) };
}

/** Every problem of a resolution, class by class in wire name order. */
export function problemsOf(resolution: SchemaResolution): SchemaProblem[] {
  return [...resolution.classes.values()].flatMap((c) => c.problems);
}

/** Problems quoted in one error message; the rest are counted. */
const MAX_QUOTED_PROBLEMS = 3;

/** `message (rule); message (rule)`, the first few. */
export function describeProblems(problems: readonly SchemaProblem[]): string {
  const listed = problems
    .slice(0, MAX_QUOTED_PROBLEMS)
    .map((p) => `${p.message} (rule ${p.rule})`)
    .join('; ');
  return problems.length > MAX_QUOTED_PROBLEMS ? `${listed}; and ${problems.length - MAX_QUOTED_PROBLEMS} more` : listed;
}

/** The `BadData` for sending an object of a class the peer cannot read; nothing is written. */
export function cannotSend(resolution: ClassResolution, where: string): BadDataError {
  return new BadDataError(
    `${where}: cannot send \`${resolution.writer.name}\`: the peer's schema cannot read it: ${describeProblems(resolution.problems)}. Nothing was sent; docs/evolution.md says which changes peers can read`,
  );
}

/** The `BadData` for a payload holding an object of a peer's class this side cannot read. */
export function cannotReceive(resolution: ClassResolution, where: string): BadDataError {
  return new BadDataError(
    `${where}: the peer sent \`${resolution.writer.name}\`, which this side's schema cannot read: ${describeProblems(resolution.problems)}`,
  );
}
