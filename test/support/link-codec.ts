/**
 * The binary codec as a link between two OON peers writes: by the class numbers of its
 * hello (docs/protocol.md, "Class numbers"), so a test can count the bytes a message
 * takes on the wire.
 */
import { defaultRegistry, type Registry } from '@oon/core';
import { BinaryCodec } from '@oon/wire';
import { classNumbering } from '@oon/wire/internal';

/** A codec that writes (and reads) as a link between two OON peers that both register `registry` writes. */
export function linkCodec(registry: Registry = defaultRegistry): BinaryCodec {
  const numbers = classNumbering(registry);
  return new BinaryCodec({ registry, classNumbers: { own: numbers, peer: numbers } });
}
