import type { JsonWire } from './codec-choice';

/**
 * The browser build's stand-in for `json-wire-loader` (see the package's `browser` map):
 * no JSON codec until the page asks for it with `useJsonCodec()`, so a page speaking the
 * binary codec (the default) does not ship it.
 */
export function loadJsonWire(): JsonWire | undefined {
  return undefined;
}
