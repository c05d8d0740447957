import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadDataError, OonError } from '@oon/core';
import {
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame as encodeFrameBytes,
  FRAME_HEADER_BYTES,
  FRAME_LENGTH_BYTES,
  FrameDecoder,
  FrameKind,
  type FrameDecoderOptions,
} from '@oon/wire';
import { decodeFrames, oneByteChunks, splitsInTwo } from '../../../test/support/frames';
import { thrown } from '../../../test/support/expect-bad-data';

/** `encodeFrame`'s bytes as a Buffer, to read them with Buffer's methods. */
const encodeFrame = (...args: Parameters<typeof encodeFrameBytes>): Buffer => Buffer.from(encodeFrameBytes(...args));

const FIXTURES = join(__dirname, '../../../test/fixtures/oon-0.0.5/fixtures');

/** A frame as a test sees it: its kind and its payload as hex. */
interface Seen {
  kind: number;
  payload: string;
}

/** Feeds chunks to a fresh decoder, returning every frame it handed out. */
function decode(chunks: readonly Uint8Array[], options?: FrameDecoderOptions): Seen[] {
  return decodeFrames(chunks, options).map(({ kind, payload }) => ({ kind, payload: payload.toString('hex') }));
}

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}


/** Frames of every shape: empty, ASCII, non-ASCII, binary, the origin's fixtures, one over 255 and one over 65535 bytes. */
const SAMPLES: ReadonlyArray<readonly [string, Buffer]> = [
  ['an empty ping', encodeFrame(FrameKind.Ping)],
  ['a hello', encodeFrame(FrameKind.Hello, '{"protocol": "oon", "version": 1, "codecs": ["json"]}')],
  ['a UTF-8 error report', encodeFrame(FrameKind.Error, '{"code": "BadData", "message": "Привет 😀"}')],
  ['binary bytes', encodeFrame(FrameKind.Message, Uint8Array.from([0, 1, 2, 0xff, 0xfe, 0, 0, 0, 0]))],
  ['the ford_truck fixture', encodeFrame(FrameKind.Message, readFileSync(join(FIXTURES, 'ford_truck.json')))],
  ['the everything fixture', encodeFrame(FrameKind.Message, readFileSync(join(FIXTURES, 'everything.json'), 'utf8'))],
  ['a 300-byte payload', encodeFrame(FrameKind.Message, 'x'.repeat(300))],
  ['a 70000-byte payload', encodeFrame(FrameKind.Message, Buffer.alloc(70_000, 0xab))],
];

/** What each sample is, decoded in one piece. */
function expectedOf(frame: Buffer): Seen {
  return { kind: frame[4] as number, payload: frame.subarray(FRAME_HEADER_BYTES).toString('hex') };
}

describe('encodeFrame', () => {
  it('writes [u32 BE length counting the kind][u8 kind][payload]', () => {
    expect(encodeFrame(FrameKind.Message, 'hi').toString('hex')).toBe('00000003' + '02' + '6869');
  });

  it('writes a frame with no payload as length 1 and the kind', () => {
    expect(encodeFrame(FrameKind.Ping).toString('hex')).toBe('00000001' + '06');
    expect(encodeFrame(FrameKind.Pong, new Uint8Array(0)).toString('hex')).toBe('00000001' + '07');
  });

  it('counts the UTF-8 bytes of a string payload, not its characters', () => {
    const frame = encodeFrame(FrameKind.Error, 'é😀');
    // é is 2 bytes, 😀 is 4: length = 1 + 6.
    expect(frame.toString('hex')).toBe('00000007' + '05' + 'c3a9' + 'f09f9880');
  });

  it('copies a byte payload as it is', () => {
    const frame = encodeFrame(FrameKind.Hello, Uint8Array.from([0xde, 0xad, 0xbe, 0xef]));
    expect(frame.toString('hex')).toBe('00000005' + '01' + 'deadbeef');
  });

  it('writes the length big-endian over all four bytes', () => {
    const frame = encodeFrame(FrameKind.Message, Buffer.alloc(70_000));
    expect(frame.length).toBe(FRAME_HEADER_BYTES + 70_000);
    expect(frame.subarray(0, FRAME_LENGTH_BYTES).toString('hex')).toBe('00011171'); // 70001
    expect(frame.readUInt32BE(0)).toBe(70_001);
    expect(frame[4]).toBe(FrameKind.Message);
  });

  it('writes the origin fixture bytes unchanged after the header', () => {
    const fixture = readFileSync(join(FIXTURES, 'everything.json'));
    const fromString = encodeFrame(FrameKind.Message, fixture.toString('utf8'));
    const fromBytes = encodeFrame(FrameKind.Message, fixture);
    expect(fromString.equals(fromBytes)).toBe(true);
    expect(fromString.subarray(FRAME_HEADER_BYTES).equals(fixture)).toBe(true);
    expect(fromString.readUInt32BE(0)).toBe(fixture.length + 1);
  });
});

describe('FrameDecoder', () => {
  describe('push', () => {
    it('reads a literal message frame', () => {
      expect(decode([hex('00000003 02 6869')])).toEqual([{ kind: 2, payload: '6869' }]);
    });

    it('reads a literal frame with an empty payload', () => {
      expect(decode([hex('00000001 06')])).toEqual([{ kind: FrameKind.Ping, payload: '' }]);
    });

    it('reads literal frames of every kind glued in one chunk, in order', () => {
      const glued = hex('00000001 01  00000002 02 ff  00000004 05 616263  00000001 07');
      expect(decode([glued])).toEqual([
        { kind: 1, payload: '' },
        { kind: 2, payload: 'ff' },
        { kind: 5, payload: '616263' },
        { kind: 7, payload: '' },
      ]);
    });

    it('hands out nothing for an incomplete frame, and the frame once the rest arrives', () => {
      const decoder = new FrameDecoder();
      const seen: Seen[] = [];
      const onFrame = (kind: number, payload: Uint8Array): void => {
        seen.push({ kind, payload: Buffer.from(payload).toString('hex') });
      };
      decoder.push(hex('00 00 00'), onFrame);
      expect(seen).toEqual([]);
      decoder.push(hex('04 02 61'), onFrame);
      expect(seen).toEqual([]);
      decoder.push(hex('6263'), onFrame);
      expect(seen).toEqual([{ kind: 2, payload: '616263' }]);
    });

    it('ignores an empty chunk', () => {
      const decoder = new FrameDecoder();
      const onFrame = jest.fn();
      decoder.push(Buffer.alloc(0), onFrame);
      expect(onFrame).not.toHaveBeenCalled();
      expect(decoder.bufferedBytes).toBe(0);
      expect(decoder.midFrame).toBe(false);
    });

    it.each(SAMPLES)('reads %s in one piece as it was encoded', (_name, frame) => {
      expect(decode([frame])).toEqual([expectedOf(frame)]);
    });

    it.each(SAMPLES.filter(([, frame]) => frame.length < 1000))(
      'reads %s the same, split in two at every byte',
      (_name, frame) => {
        const expected = [expectedOf(frame)];
        for (const [cut, chunks] of splitsInTwo(frame)) {
          expect({ cut, frames: decode(chunks) }).toEqual({ cut, frames: expected });
        }
      },
    );

    it.each(SAMPLES.filter(([, frame]) => frame.length < 1000))('reads %s the same, fed one byte at a time', (_name, frame) => {
      const bytes = oneByteChunks(frame);
      expect(decode(bytes)).toEqual([expectedOf(frame)]);
    });

    it('reads every sample the same when all are glued in one stream and cut at every byte', () => {
      const small = SAMPLES.filter(([, frame]) => frame.length < 1000).map(([, frame]) => frame);
      const stream = Buffer.concat(small);
      const expected = small.map(expectedOf);
      expect(decode([stream])).toEqual(expected);
      for (const [cut, chunks] of splitsInTwo(stream)) {
        expect({ cut, frames: decode(chunks) }).toEqual({ cut, frames: expected });
      }
    });

    it('reads every sample glued together and fed one byte at a time', () => {
      const stream = Buffer.concat(SAMPLES.map(([, frame]) => frame));
      const bytes = oneByteChunks(stream);
      expect(decode(bytes)).toEqual(SAMPLES.map(([, frame]) => expectedOf(frame)));
    });

    it('reads every sample glued together and cut into uneven chunks (sizes 1..97)', () => {
      const stream = Buffer.concat(SAMPLES.map(([, frame]) => frame));
      for (const step of [1, 2, 3, 4, 5, 7, 13, 64, 97, 4096]) {
        const chunks: Buffer[] = [];
        for (let i = 0, size = 1; i < stream.length; i += size, size = (size % step) + 1) chunks.push(stream.subarray(i, i + size));
        expect({ step, frames: decode(chunks) }).toEqual({ step, frames: SAMPLES.map(([, frame]) => expectedOf(frame)) });
      }
    });

    it('reads a frame cut across a length header and several chunks', () => {
      const a = encodeFrame(FrameKind.Message, 'first');
      const b = encodeFrame(FrameKind.Error, 'second');
      const stream = Buffer.concat([a, b]);
      // Cut inside a's payload, then inside b's length bytes, then at the end.
      const chunks = [stream.subarray(0, 7), stream.subarray(7, a.length + 2), stream.subarray(a.length + 2)];
      expect(decode(chunks)).toEqual([
        { kind: FrameKind.Message, payload: Buffer.from('first').toString('hex') },
        { kind: FrameKind.Error, payload: Buffer.from('second').toString('hex') },
      ]);
    });

    it('hands out spans of the chunk (pushSpans) that read as the frames, at every cut of a stream', () => {
      const frames = [encodeFrame(FrameKind.Message, 'one'), encodeFrame(FrameKind.Ping), encodeFrame(FrameKind.Error, 'three 3')];
      const stream = Buffer.concat(frames);
      const expected = [`${FrameKind.Message}:one`, `${FrameKind.Ping}:`, `${FrameKind.Error}:three 3`];
      for (const [cut, chunks] of splitsInTwo(stream)) {
        const decoder = new FrameDecoder();
        const seen: string[] = [];
        for (const chunk of chunks) {
          decoder.pushSpans(chunk, (kind, buf, start, end) => {
            expect(0 <= start && start <= end && end <= buf.length).toBe(true);
            seen.push(`${kind}:${Buffer.from(buf).toString('utf8', start, end)}`);
          });
        }
        expect({ cut, seen }).toEqual({ cut, seen: expected });
      }
    });

    it('hands out payloads that stay intact after later chunks arrive', () => {
      const decoder = new FrameDecoder();
      const payloads: Uint8Array[] = [];
      const stream = Buffer.concat([encodeFrame(FrameKind.Message, 'one'), encodeFrame(FrameKind.Message, 'two')]);
      for (let i = 0; i < stream.length; i += 3) decoder.push(Buffer.from(stream.subarray(i, i + 3)), (_k, p) => payloads.push(p));
      expect(payloads.map((p) => Buffer.from(p).toString('utf8'))).toEqual(['one', 'two']);
    });

    it('accepts a frame exactly maxFrameBytes long', () => {
      const frame = encodeFrame(FrameKind.Message, 'x'.repeat(9)); // length 10
      expect(decode([frame], { maxFrameBytes: 10 })).toEqual([expectedOf(frame)]);
    });

    it('throws BadData as soon as the 4 length bytes say more than maxFrameBytes, before the body arrives', () => {
      const decoder = new FrameDecoder({ maxFrameBytes: 10 });
      const onFrame = jest.fn();
      decoder.push(hex('00 00 00'), onFrame); // 3 of the 4 length bytes: nothing to judge yet
      const err = thrown(() => decoder.push(hex('0b'), onFrame)); // length 11, no kind or payload yet
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as OonError).code).toBe('BadData');
      expect((err as OonError).message).toContain('frame of 11 bytes');
      expect((err as OonError).message).toContain('over the limit of 10 bytes');
      expect((err as OonError).message).toContain('maxFrameBytes');
      expect(onFrame).not.toHaveBeenCalled();
    });

    it('refuses a huge announced length at once, buffering none of it', () => {
      const decoder = new FrameDecoder();
      const err = thrown(() => decoder.push(hex('ffffffff 02'), () => {}));
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as OonError).message).toContain('frame of 4294967295 bytes');
      expect((err as OonError).message).toContain(`${DEFAULT_MAX_FRAME_BYTES} bytes`);
    });

    it('uses a 1 MiB limit by default', () => {
      expect(DEFAULT_MAX_FRAME_BYTES).toBe(1_048_576);
      const over = Buffer.alloc(4);
      over.writeUInt32BE(DEFAULT_MAX_FRAME_BYTES + 1);
      const err = thrown(() => new FrameDecoder().push(over, () => {}));
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as OonError).message).toContain('frame of 1048577 bytes');

      const atLimit = Buffer.alloc(4);
      atLimit.writeUInt32BE(DEFAULT_MAX_FRAME_BYTES);
      const decoder = new FrameDecoder();
      expect(() => decoder.push(atLimit, () => {})).not.toThrow();
      expect(decoder.midFrame).toBe(true);
    });

    it('hands out the frames before an oversize one, then throws', () => {
      const decoder = new FrameDecoder({ maxFrameBytes: 100 });
      const seen: string[] = [];
      const chunk = Buffer.concat([encodeFrame(FrameKind.Message, 'ok'), hex('00000065')]); // 101
      const err = thrown(() => decoder.push(chunk, (_kind, payload) => seen.push(Buffer.from(payload).toString('utf8'))));
      expect(seen).toEqual(['ok']);
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as OonError).message).toContain('frame of 101 bytes');
    });

    it('throws BadData on a length of 0, which cannot hold the kind byte', () => {
      const decoder = new FrameDecoder();
      const onFrame = jest.fn();
      const err = thrown(() => decoder.push(hex('00000000 02 6869'), onFrame));
      expect(err).toBeInstanceOf(BadDataError);
      expect(err).toBeInstanceOf(OonError);
      expect((err as OonError).code).toBe('BadData');
      expect((err as OonError).message).toContain('frame length is 0');
      expect(onFrame).not.toHaveBeenCalled();
    });

    it('throws BadData on a length of 0 arriving one byte at a time, on the 4th byte', () => {
      const decoder = new FrameDecoder();
      for (let i = 0; i < 3; i++) decoder.push(hex('00'), () => {});
      const err = thrown(() => decoder.push(hex('00'), () => {}));
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as OonError).message).toContain('frame length is 0');
    });
  });

  describe('bufferedBytes and midFrame', () => {
    it('report bytes held back until a frame is complete', () => {
      const decoder = new FrameDecoder();
      const onFrame = jest.fn();
      expect(decoder.bufferedBytes).toBe(0);
      expect(decoder.midFrame).toBe(false);

      decoder.push(hex('0000'), onFrame);
      expect(decoder.bufferedBytes).toBe(2);
      expect(decoder.midFrame).toBe(true);

      decoder.push(hex('0004 02'), onFrame); // header read; 1 of 4 body bytes in
      expect(decoder.bufferedBytes).toBe(1);
      expect(decoder.midFrame).toBe(true);

      decoder.push(hex('616263 00'), onFrame); // frame done; 1 byte of the next length in
      expect(onFrame).toHaveBeenCalledTimes(1);
      expect(decoder.bufferedBytes).toBe(1);
      expect(decoder.midFrame).toBe(true);

      decoder.push(hex('000001 07'), onFrame);
      expect(onFrame).toHaveBeenCalledTimes(2);
      expect(onFrame).toHaveBeenLastCalledWith(FrameKind.Pong, Buffer.alloc(0));
      expect(decoder.bufferedBytes).toBe(0);
      expect(decoder.midFrame).toBe(false);
    });

    it('are back to empty after several glued frames', () => {
      const decoder = new FrameDecoder();
      decoder.push(Buffer.concat(SAMPLES.map(([, frame]) => frame)), () => {});
      expect(decoder.bufferedBytes).toBe(0);
      expect(decoder.midFrame).toBe(false);
    });
  });
});
