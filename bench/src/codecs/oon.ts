/** OON's own codecs, used as a user uses them: decorators only, no mapping code. */
import { NetMessage } from '@oon/core';
import { BinaryCodec, JsonCodec } from '@oon/wire';
import { classNumbering } from '@oon/wire/internal';
import type { CodecContender } from './contender';

/** The default between OON peers: encoders and decoders compiled per class. */
export const oonBinary: CodecContender = {
  name: 'OON binary',
  group: 'oon',
  revives: true,
  create() {
    const codec = new BinaryCodec();
    return {
      encode: (object) => codec.encode(new NetMessage(object)),
      decode: (bytes) => codec.decode(bytes).object,
    };
  },
};

/**
 * The binary codec as it writes between two OON peers (docs/protocol.md, "Class
 * numbers"): classes by the numbers of the writer's hello, no message id unless one is
 * given. Small graph only: it shows what a small message costs on a link.
 */
export const oonBinaryLink: CodecContender = {
  name: 'OON binary (between peers)',
  group: 'oon',
  revives: true,
  roots: ['truck'],
  create() {
    const numbers = classNumbering();
    const codec = new BinaryCodec({ classNumbers: { own: numbers, peer: numbers } });
    return {
      encode: (object) => codec.encode(new NetMessage(object)),
      decode: (bytes) => codec.decode(bytes).object,
    };
  },
};

/** The origin-compatible JSON text. */
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
