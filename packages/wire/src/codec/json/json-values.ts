import { BadDataError } from '@oon/core';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a JSON payload (text or UTF-8 bytes), failing with `BadData`. */
export function parseJson(payload: Uint8Array | string): unknown {
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : utf8.decode(payload);
  } catch (cause) {
    throw new BadDataError('message is not valid UTF-8 text', { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new BadDataError(`message is not valid JSON (${(cause as Error).message})`, { cause });
  }
}

/** True for what `JSON.parse` makes of `{…}`: not arrays, not class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Describes a received or given value in a few words, for error messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `string ${JSON.stringify(shown)}`;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'object': {
      if (!isPlainObject(value)) return `an instance of ${value.constructor?.name ?? 'an unknown class'}`;
      const type = value['type'];
      return typeof type === 'string' ? `an object of type "${type}"` : 'an object';
    }
    default:
      return typeof value;
  }
}
