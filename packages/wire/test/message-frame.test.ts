import { BadDataError, NetClass, NetField, NetMessage, Registry, t } from '@oon/core';
import { BinaryCodec, encodeFrame, FrameKind, JsonCodec } from '@oon/wire';
import { encodeMessageFrame } from '@oon/wire/internal';

const registry = new Registry();

@NetClass({ registry })
class Note {
  @NetField(t.string) text = '';
}

const note = (text: string): Note => Object.assign(new Note(), { text });
const SEQ = Buffer.from('0000000000000007', 'hex');

describe('encodeMessageFrame', () => {
  it.each([
    ['binary', new BinaryCodec({ registry })],
    ['json', new JsonCodec({ registry })],
  ])('makes with the %s codec the frame encodeFrame makes of the encoded message, prefix included', (_name, codec) => {
    const message = new NetMessage(note('hello'), { uuid: 'abc' });
    const frame = encodeMessageFrame(codec, FrameKind.Message, message, 1024, SEQ);
    expect(frame).toBeInstanceOf(Buffer);
    expect(Buffer.from(frame).toString('hex')).toBe(Buffer.from(encodeFrame(FrameKind.Message, codec.encode(message), SEQ)).toString('hex'));
  });

  it('hands out frames that later frames never overwrite (a queued request keeps its frame)', () => {
    const codec = new BinaryCodec({ registry });
    const frames = Array.from({ length: 3_000 }, (_, i) => encodeMessageFrame(codec, FrameKind.Message, new NetMessage(note(`n${i}`), { uuid: 'u' }), 1024));
    frames.forEach((frame, i) => {
      expect(codec.decode(frame.subarray(5)).object).toStrictEqual(note(`n${i}`));
    });
  });

  it('refuses a frame over maxFrameBytes with BadData, and the next frame is whole', () => {
    const codec = new BinaryCodec({ registry });
    expect(() => encodeMessageFrame(codec, FrameKind.Message, new NetMessage(note('x'.repeat(100))), 50)).toThrow(BadDataError);
    const next = encodeMessageFrame(codec, FrameKind.Message, new NetMessage(note('ok'), { uuid: 'u' }), 50);
    expect(codec.decode(next.subarray(5)).object).toStrictEqual(note('ok'));
    expect(Buffer.from(next).readUInt32BE(0)).toBe(next.length - 4);
  });

  it('encodes a frame asked for while another is being encoded (a getter that sends) apart, both whole', () => {
    const codec = new BinaryCodec({ registry });
    const outer = note('');
    let inner: Uint8Array | undefined;
    Object.defineProperty(outer, 'text', {
      get: () => {
        inner ??= encodeMessageFrame(codec, FrameKind.Message, new NetMessage(note('inner'), { uuid: 'i' }), 1024);
        return 'outer';
      },
    });
    const frame = encodeMessageFrame(codec, FrameKind.Message, new NetMessage(outer, { uuid: 'o' }), 1024);
    expect(codec.decode(frame.subarray(5)).object).toStrictEqual(note('outer'));
    expect(codec.decode((inner as Buffer).subarray(5)).object).toStrictEqual(note('inner'));
  });
});
