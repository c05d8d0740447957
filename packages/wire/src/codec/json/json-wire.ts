import { BadDataError } from '@oon/core';
import { provideJsonWire, type JsonWire } from '../codec-choice';
import { JsonDocumentSplitter } from '../../framing/json-document-splitter';
import { JsonCodec } from './json-codec';
import { JsonPeer } from './json-peer';
import { JsonWriter } from './json-writer';

/** The JSON codec's parts, as a connection and the binary codec reach them (`codec-choice.ts`). */
export const JSON_WIRE: JsonWire = {
  codec: (options) => new JsonCodec(options),
  splitter: (maxDocumentBytes) => new JsonDocumentSplitter({ maxDocumentBytes }),
  // The compiled binary encoders name a bad value by class and field (`Car.speed`), since
  // they carry no path; the JSON writer walks the same message again and, failing on the
  // same value, names its full path (`body.trailer.car_inside.speed`).
  fullPath(error, options, message) {
    try {
      new JsonWriter(options, false, message, options.peerSchema === undefined ? undefined : new JsonPeer(options.registry, options.peerSchema)).write(message);
    } catch (detailed) {
      if (detailed instanceof BadDataError) return detailed;
    }
    return error;
  },
};

/**
 * Lets a browser page speak the JSON codec (the `codec: 'json'` option) and the origin's
 * wire: a browser build leaves the JSON codec out of the bundle unless the page imports
 * this, so a page speaking binary, the default, does not ship it. Call it once, before
 * creating the client. Node always has the JSON codec; there it changes nothing.
 *
 * @example
 * ```ts fragment
 * useJsonCodec(); // imported from @oon/client in a page
 * const client = new OonClient({ url: 'wss://example.com/oon', codec: 'json' });
 * ```
 */
export function useJsonCodec(): void {
  provideJsonWire(JSON_WIRE);
}
