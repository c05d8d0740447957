import { BadDataError } from '@oon/core';
import { clip, type ClassDescription, type EnumDescription, type RegistrySchema } from './registry-schema';

/** Most differences a schema mismatch error lists; the rest are counted ("and 3 more"). */
export const MAX_LISTED_DIFFERENCES = 10;

/**
 * Every way the peer's schema disagrees with ours on a class or enum both know by wire
 * name, worded from our side ("peer's `Car.speed` is string, ours is number"), in wire
 * name order. Classes and enums only one side knows are no disagreement: sending one is
 * refused when it happens. Field order is not compared: the JSON codec writes fields by
 * wire name.
 */
export function diffSchemas(ours: RegistrySchema, theirs: RegistrySchema): string[] {
  const theirClasses = new Map(theirs.classes.map((c) => [c.name, c]));
  const theirEnums = new Map(theirs.enums.map((e) => [e.name, e]));
  const differences: string[] = [];
  for (const ourClass of ours.classes) {
    const theirClass = theirClasses.get(ourClass.name);
    if (theirClass !== undefined) differences.push(...diffClass(ourClass, theirClass));
    else if (theirEnums.has(ourClass.name)) differences.push(`peer's \`${clip(ourClass.name)}\` is an enum, ours is a class`);
  }
  for (const ourEnum of ours.enums) {
    const theirEnum = theirEnums.get(ourEnum.name);
    if (theirEnum !== undefined) differences.push(...diffEnum(ourEnum, theirEnum));
    else if (theirClasses.has(ourEnum.name)) differences.push(`peer's \`${clip(ourEnum.name)}\` is a class, ours is an enum`);
  }
  return differences;
}

/**
 * The handshake's verdict on the peer's schema: `undefined` when it agrees with ours on
 * everything both know (at once when the hashes are equal), else a `BadData` error
 * listing the first `limit` differences.
 */
export function checkSchemas(ours: RegistrySchema, theirs: RegistrySchema, limit: number = MAX_LISTED_DIFFERENCES): BadDataError | undefined {
  if (ours.hash === theirs.hash) return undefined;
  const differences = diffSchemas(ours, theirs);
  if (differences.length === 0) return undefined;
  const listed = differences.slice(0, limit).join('; ');
  const more = differences.length > limit ? `; and ${differences.length - limit} more` : '';
  return new BadDataError(
    `schemas disagree: ${listed}${more}. A class or enum both sides register must have the same fields, types and parent on both`,
  );
}

function diffClass(ours: ClassDescription, theirs: ClassDescription): string[] {
  const name = clip(ours.name);
  const differences: string[] = [];
  if (ours.parent !== theirs.parent) {
    differences.push(`peer's \`${name}\` extends ${describeParent(theirs.parent)}, ours extends ${describeParent(ours.parent)}`);
  }
  const theirFields = new Map(theirs.fields.map((f) => [f.name, f.type]));
  const ourFields = new Set<string>();
  for (const field of ours.fields) {
    ourFields.add(field.name);
    const theirType = theirFields.get(field.name);
    if (theirType === undefined) differences.push(`peer lacks field \`${name}.${clip(field.name)}\``);
    else if (theirType !== field.type) {
      differences.push(`peer's \`${name}.${clip(field.name)}\` is ${clip(theirType)}, ours is ${field.type}`);
    }
  }
  for (const field of theirs.fields) {
    if (!ourFields.has(field.name)) differences.push(`peer's \`${name}\` has field \`${clip(field.name)}\`, ours does not`);
  }
  return differences;
}

/** Enums travel as their values, so members are matched by value; a renamed member is no disagreement. */
function diffEnum(ours: EnumDescription, theirs: EnumDescription): string[] {
  const name = clip(ours.name);
  const theirValues = new Set(theirs.members.map((m) => m.value));
  const ourValues = new Set(ours.members.map((m) => m.value));
  const differences: string[] = [];
  for (const member of ours.members) {
    if (!theirValues.has(member.value)) {
      differences.push(`peer's enum \`${name}\` lacks member \`${clip(member.name)}\` = ${clip(JSON.stringify(member.value))}`);
    }
  }
  for (const member of theirs.members) {
    if (!ourValues.has(member.value)) {
      differences.push(
        `peer's enum \`${name}\` has member \`${clip(member.name)}\` = ${clip(JSON.stringify(member.value))}, ours does not`,
      );
    }
  }
  return differences;
}

function describeParent(parent: string | null): string {
  return parent === null ? 'nothing' : `\`${clip(parent)}\``;
}
