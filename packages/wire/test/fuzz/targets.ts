/**
 * What the fuzz properties attack: every decoder that reads bytes from a peer. Each
 * target says how to feed it bytes (cut into chunks, for stream decoders) and which
 * valid inputs to mutate. Adding a codec is one more entry in {@link FUZZ_TARGETS}.
 */
import fc from 'fast-check';
import { defaultRegistry, NetClass, NetField, NetMessage, t } from '@oon/core';
import { BinaryCodec, encodeFrame, FrameDecoder, FrameKind, JsonCodec, type Codec } from '@oon/wire';
import { ackEveryBytes, classNumbering, JsonDocumentSplitter, parseHello, Session } from '@oon/wire/internal';
import type { OonError } from '@oon/core';
import { readRejection } from '../../src/connection/message-rejection';
import { CarMark, FordTruck, Truc, TrucTrailer, VolvoCar } from '../../../../examples/cars/src/cars';
import { Color, Everything, Point } from '../../../../test/support/extra';
import { aWriterItem, reader, readerSchema, writer, writerSchema } from './evolved';

/** The frame limit the stream decoders run with: small, so lengths at the limit are common. */
export const FUZZ_MAX_FRAME_BYTES = 256;

/** One decoder under attack. */
export interface FuzzTarget {
  readonly name: string;
  /** Valid inputs, to be mutated. */
  readonly valid: fc.Arbitrary<Uint8Array>;
  /** Decodes `bytes` cut at `cuts` (stream decoders; others ignore them); may throw only an `OonError`. */
  decode(bytes: Uint8Array, cuts: readonly number[]): unknown;
}

/** Objects of the cars example and the test classes, with fields from fast-check. */
export const anObject: fc.Arbitrary<object> = fc.oneof(
  fc.record({ speed: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })), wheels: fc.integer() }).map(
    ({ speed, wheels }) => Object.assign(new VolvoCar(0, wheels), { speed }),
  ),
  fc.record({ speed: fc.option(fc.integer()), count: fc.option(fc.integer()), mark: fc.constantFrom(CarMark.Ford, CarMark.Toyota, null) }).map(
    ({ speed, count, mark }) => {
      const trailer = Object.assign(new TrucTrailer(), { carInside: new VolvoCar(1, 4), carCount: count });
      return Object.assign(new FordTruck(), { speed, mark, trailer }) as Truc;
    },
  ),
  fc.record({
    flag: fc.boolean(),
    count: fc.integer(),
    ratio: fc.double({ noNaN: true, noDefaultInfinity: true }),
    name: fc.string({ unit: 'binary' }),
    numbers: fc.option(fc.array(fc.integer(), { maxLength: 8 })),
    table: fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 })),
    color: fc.constantFrom(Color.Red, Color.Blue),
    origin: fc.option(fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()).map(([x, y]) => new Point(x, y))),
  }).map((fields) => Object.assign(new Everything(), fields) as object),
);

/** A class with a bigint, for the JSON codec's digit limit (`maxBigIntDigits`). */
@NetClass('fuzz.Big')
class Big {
  @NetField(t.bigint) value: bigint | null = null;
}

/** Digits the `JSON bigints` target allows: small, so mutated lengths cross the limit often. */
const FUZZ_MAX_BIGINT_DIGITS = 64;

const json = new JsonCodec();
const jsonBigints = new JsonCodec({ maxBigIntDigits: FUZZ_MAX_BIGINT_DIGITS });
const aBigint = fc.bigInt({ min: -(10n ** 64n) + 1n, max: 10n ** 64n - 1n });
const binary = new BinaryCodec();
/** A writer and a reader of two versions of one model, each with the other's schema, as a connection makes them. */
const evolved = {
  binary: { writer: new BinaryCodec({ registry: writer, peerSchema: readerSchema }), reader: new BinaryCodec({ registry: reader, peerSchema: writerSchema }) },
  json: { writer: new JsonCodec({ registry: writer, peerSchema: readerSchema }), reader: new JsonCodec({ registry: reader, peerSchema: writerSchema }) },
};
/**
 * Two OON peers writing by class numbers (binary format 2, docs/protocol.md): the writer
 * numbers every class but the last it registered, which goes by definition as one
 * registered after the hello would; a message id only sometimes.
 */
const ownNumbers = classNumbering(defaultRegistry).slice(0, -1);
const numbered = {
  writer: new BinaryCodec({ classNumbers: { own: ownNumbers, peer: [] } }),
  reader: new BinaryCodec({ classNumbers: { own: [], peer: ownNumbers } }),
};
const evolvedNumbered = {
  writer: new BinaryCodec({ registry: writer, peerSchema: readerSchema, classNumbers: { own: classNumbering(writer), peer: classNumbering(reader) } }),
  reader: new BinaryCodec({ registry: reader, peerSchema: writerSchema, classNumbers: { own: classNumbering(reader), peer: classNumbering(writer) } }),
};
const evolvedPayloads = (codec: Codec) => aWriterItem.map((item) => toBytes(codec.encode(new NetMessage(item))));
const encoded = (codec: Codec) => anObject.map((object) => toBytes(codec.encode(new NetMessage(object))));

function toBytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
}

/** Feeds `bytes` to a stream decoder in the pieces `cuts` make, collecting what it hands out. */
function feed(push: (chunk: Buffer, onFrame: (kind: number, payload: Uint8Array) => void) => void, bytes: Uint8Array, cuts: readonly number[]): number {
  const buffer = Buffer.from(bytes);
  let frames = 0;
  let at = 0;
  for (const cut of [...cuts, buffer.length]) {
    const end = Math.min(buffer.length, at + cut);
    push(buffer.subarray(at, end), () => frames++);
    at = end;
    if (at >= buffer.length) break;
  }
  if (at < buffer.length) push(buffer.subarray(at), () => frames++);
  return frames;
}

/** A run of frames of any kind, up to the limit (lengths past it come from the mutations). */
const frames = fc
  .array(
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: FUZZ_MAX_FRAME_BYTES - 1 })),
    { minLength: 1, maxLength: 4 },
  )
  .map((list) => Buffer.concat(list.map(([kind, payload]) => encodeFrame(kind as FrameKind, payload))) as Uint8Array);

/** A u64 BE seq. */
function seqOf(n: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32BE(Math.floor(n / 2 ** 32), 0);
  bytes.writeUInt32BE(n >>> 0, 4);
  return bytes;
}

/** A session link's frames: a Message with its seq, then NextMessage frames, now and then numbered again (a resend). */
const sessionFrames = fc
  .array(fc.tuple(fc.nat({ max: 3 }), fc.uint8Array({ maxLength: 16 })), { minLength: 1, maxLength: 8 })
  .map((list) => {
    let seq = 0;
    const out = list.map(([step, payload], i) => {
      if (i > 0 && step !== 0) {
        seq += 1;
        return encodeFrame(FrameKind.NextMessage, payload);
      }
      // Numbered again: the next seq, or one already delivered (a resend after a resume).
      seq = i === 0 ? 1 : Math.max(1, seq - (payload.length % 3) + 1);
      return encodeFrame(FrameKind.Message, payload, seqOf(seq));
    });
    return Buffer.concat(out) as Uint8Array;
  });

/**
 * A session's receive side, fed a link's Message and NextMessage frames: each is delivered
 * (its seq one past the last delivered), dropped as a duplicate, or fails the link with
 * `BadData`; seqs delivered never skip one.
 */
function receiveSessionFrames(bytes: Uint8Array, cuts: readonly number[]): number {
  const session = new Session({ peer: 'fuzz peer' });
  let failed: OonError | undefined;
  const link = {
    codec: json,
    payloadKey: 'json',
    maxFrameBytes: FUZZ_MAX_FRAME_BYTES,
    describePeer: () => 'fuzz peer',
    writeLater: () => Promise.resolve(),
    pullNow: () => {},
    writeControl: () => {},
    admit: () => undefined,
    refuseUnknown: () => undefined,
    pause: () => {},
    resume: () => {},
    fail: (error: OonError) => {
      failed ??= error;
    },
  };
  session.attach(link, 0);
  const decoder = new FrameDecoder({ maxFrameBytes: FUZZ_MAX_FRAME_BYTES });
  let delivered = 0;
  const onFrame = (kind: number, payload: Uint8Array): void => {
    if (failed !== undefined) return;
    const seq = kind === FrameKind.NextMessage ? session.receiver.acceptNext(payload.length, link) : kind === FrameKind.Message ? session.receiver.acceptFrame(payload, 0, payload.length, link) : -1;
    if (seq < 0) return;
    if (seq !== delivered + 1) throw new Error(`delivered #${seq} after #${delivered}`);
    delivered = seq;
  };
  feed((chunk) => decoder.push(chunk, onFrame), bytes, cuts);
  session.end();
  if (failed !== undefined) throw failed;
  return delivered;
}

/** Every decoder that reads from a peer. */
export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'frame decoder',
    valid: frames,
    decode: (bytes, cuts) => {
      // A fresh decoder per input: one that threw is spent, as documented.
      const decoder = new FrameDecoder({ maxFrameBytes: FUZZ_MAX_FRAME_BYTES });
      return feed((c, f) => decoder.push(c, f), bytes, cuts);
    },
  },
  {
    name: 'session receive side (Message and NextMessage seqs)',
    valid: sessionFrames,
    decode: receiveSessionFrames,
  },
  {
    name: 'JSON codec',
    valid: encoded(json),
    decode: (bytes) => json.decode(bytes),
  },
  {
    name: 'binary codec',
    valid: encoded(binary),
    decode: (bytes) => binary.decode(bytes),
  },
  {
    name: 'binary codec by class numbers',
    valid: fc
      .tuple(anObject, fc.option(fc.string({ maxLength: 12 }), { nil: undefined }))
      .map(([object, uuid]) => numbered.writer.encode(new NetMessage(object, uuid === undefined ? {} : { uuid }))),
    decode: (bytes) => numbered.reader.decode(bytes),
  },
  {
    name: 'JSON document splitter',
    valid: fc.array(encoded(json), { minLength: 1, maxLength: 3 }).map((docs) => Buffer.concat(docs) as Uint8Array),
    decode: (bytes, cuts) => {
      const splitter = new JsonDocumentSplitter({ maxDocumentBytes: 64 * 1024 });
      return feed((c, f) => splitter.push(c, f), bytes, cuts);
    },
  },
  {
    name: 'binary codec reading a peer\'s other version',
    valid: evolvedPayloads(evolved.binary.writer),
    decode: (bytes) => onlyRegistered(evolved.binary.reader.decode(bytes).object),
  },
  {
    name: 'binary codec reading a peer\'s other version by class numbers',
    valid: evolvedPayloads(evolvedNumbered.writer),
    decode: (bytes) => onlyRegistered(evolvedNumbered.reader.decode(bytes).object),
  },
  {
    name: 'JSON codec reading a peer\'s other version',
    valid: evolvedPayloads(evolved.json.writer),
    decode: (bytes) => onlyRegistered(evolved.json.reader.decode(bytes).object),
  },
  {
    name: 'hello reader',
    valid: fc
      .record(
        {
          protocol: fc.constant('oon'),
          version: fc.constant(1),
          codecs: fc.array(fc.string()),
          token: fc.option(fc.string()),
          maxRequestsInFlight: fc.integer({ min: 1, max: 1 << 20 }),
          schemaPolicy: fc.constant('strict'),
          classNumbers: fc.array(fc.string({ maxLength: 20 }), { maxLength: 8 }),
          // A resume names a session; a grant also carries its secret (32 bytes, base64).
          session: fc.record(
            {
              id: fc.string({ maxLength: 40 }),
              resumed: fc.boolean(),
              received: fc.nat(),
              secret: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('base64')),
              // The sender's send window, which the receiver acknowledges by.
              window: fc.oneof(fc.integer({ min: 1, max: 1 << 30 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
              // The sender reads NextMessage frames.
              next: fc.boolean(),
            },
            { requiredKeys: ['received'] },
          ),
        },
        { requiredKeys: ['protocol', 'version', 'codecs'] },
      )
      .map((hello) => Buffer.from(JSON.stringify(hello)) as Uint8Array),
    decode: (bytes) => {
      const hello = parseHello(Buffer.from(bytes));
      // Whatever window a peer announces, it is acknowledged after at least 1 byte and at most the window.
      const window = hello.session?.window;
      const every = ackEveryBytes(window);
      if (!Number.isSafeInteger(every) || every < 1 || (window !== undefined && every > window)) throw new Error(`window ${window} acknowledged every ${every} bytes`);
      return hello;
    },
  },
  {
    // A Rejected frame's payload: which of our messages the peer dropped, and why.
    name: 'rejection reader',
    valid: fc
      .record({ id: fc.string(), class: fc.string(), code: fc.constantFrom('BadData', 'BadConn', 'Timeout', 'Nope'), message: fc.string() }, { requiredKeys: [] })
      .map((report) => Buffer.from(JSON.stringify(report)) as Uint8Array),
    decode: (bytes) => readRejection(Buffer.from(bytes), 'fuzz peer'),
  },
  {
    // Decimal bigints are parsed only under maxBigIntDigits: a long one is BadData, never slow.
    name: 'JSON bigints',
    valid: aBigint.map((value) => toBytes(json.encode(new NetMessage(Object.assign(new Big(), { value }))))),
    decode: (bytes) => jsonBigints.decode(bytes),
  },
];

/** A resolved decoder never builds an object of a class the reader does not register: fails the property if it does. */
function onlyRegistered(value: unknown, seen = new Set<unknown>()): unknown {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Map || value instanceof Set || Array.isArray(value)) {
    for (const item of value instanceof Map ? value.values() : value) onlyRegistered(item, seen);
    return value;
  }
  if (reader.nameOf(value.constructor) === undefined) throw new Error(`decoded an object of ${value.constructor.name}, which the reader does not register`);
  for (const item of Object.values(value)) onlyRegistered(item, seen);
  return value;
}
