import type { JsonWire } from './codec-choice';
import { JSON_WIRE } from './json/json-wire';

/**
 * The JSON codec's parts in Node: always there (servers speak both codecs and the
 * origin's wire). A bundler building for the browser swaps this module for
 * `json-wire-loader-browser` (the package's `browser` map), so that this static import
 * does not pull the JSON codec into every page.
 */
export function loadJsonWire(): JsonWire | undefined {
  return JSON_WIRE;
}
