/** OON's own codecs, used as a user uses them: decorators only, no mapping code. */
import { NetMessage } from '@oon/core';
import { JsonCodec } from '@oon/wire';
import type { CodecContender } from './contender';

export const oonJson: CodecContender = {
  name: 'OON JSON',
  group: 'oon',
  revives: true,
  create() {
    const codec = new JsonCodec();
    return {
      encode: (object) => Buffer.from(codec.encode(new NetMessage(object))),
      decode: (bytes) => codec.decode(bytes).object,
    };
  },
};
