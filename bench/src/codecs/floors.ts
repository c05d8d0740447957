/**
 * The floors: what bytes cost with no classes at all. Neither revives (JSON loses
 * Date, Set and Map too), so they bound what any codec can do, and are not peers.
 */
import { deserialize, serialize } from 'node:v8';
import type { CodecContender } from './contender';

export const jsonFloor: CodecContender = {
  name: 'JSON.stringify/parse (floor)',
  group: 'floor',
  revives: false,
  project: (graph) => JSON.parse(JSON.stringify(graph)),
  create() {
    return {
      encode: (object) => Buffer.from(JSON.stringify(object)),
      decode: (bytes) => JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')),
    };
  },
};

export const v8Floor: CodecContender = {
  name: 'v8.serialize (floor)',
  group: 'floor',
  revives: false,
  project: (graph) => graph,
  create() {
    return { encode: (object) => serialize(object), decode: (bytes) => deserialize(bytes) };
  },
};
