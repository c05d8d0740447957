import type { RegistrySchema } from './registry-schema';
import { problemsOf } from './schema-agreement';
import { resolveSchemas, SchemaRule, type SchemaProblem } from './schema-resolution';

/** A change between two versions of a registry that breaks a rolling deploy, one direction of it. */
export interface CompatibilityProblem extends SchemaProblem {
  /** Which version writes: `'older'` (the newer reads what it sends) or `'newer'` (the older reads). */
  readonly writer: 'older' | 'newer';
}

/**
 * Every change from `older` to `newer` (two snapshots of one registry: `describeRegistry`)
 * that would break while both versions run side by side, each direction checked as a
 * connection resolves it (docs/evolution.md): what the newer cannot read of the older's
 * classes, and what the older cannot read of the newer's. A class only the newer has
 * (an addition) is no problem: the older never reads it until the newer sends it. A
 * renamed class is, unless its old name stays readable both ways. Empty when the newer
 * version may be deployed beside the older, as `buf breaking` does for protobuf.
 *
 * @example
 * ```ts
 * import { checkCompatibility, describeRegistry, type RegistrySchema } from '@oon/wire';
 * import { readFileSync } from 'node:fs';
 *
 * const snapshot = JSON.parse(readFileSync('schema.json', 'utf8')) as RegistrySchema;
 * for (const problem of checkCompatibility(snapshot, describeRegistry())) console.error(problem.message);
 * ```
 */
export function checkCompatibility(older: RegistrySchema, newer: RegistrySchema): CompatibilityProblem[] {
  const olderNames = new Set([...older.classes.map((c) => c.name), ...older.enums.map((e) => e.name)]);
  const renamed = (name: string): boolean => newer.classes.find((c) => c.name === name)?.aliases?.some((a) => olderNames.has(a)) === true;
  const forward = problemsOf(resolveSchemas(older, newer, { writer: 'the older version', reader: 'the newer version' })).map((p) => ({ ...p, writer: 'older' as const }));
  const backward = problemsOf(resolveSchemas(newer, older, { writer: 'the newer version', reader: 'the older version' }))
    .filter((p) => p.rule !== SchemaRule.ClassMissing || olderNames.has(p.class) || renamed(p.class))
    .map((p) => ({ ...p, writer: 'newer' as const }));
  return [...forward, ...backward];
}
