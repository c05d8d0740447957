import { BadDataError, type NetMessage, type OonError } from '@oon/core';
import { ByteWriter } from './byte-writer';
import type { Codec, FrameCodec } from './codec';
import { FRAME_HEADER_BYTES, FRAME_LENGTH_BYTES, type FrameKind } from './constants';
import { toOonError } from './error-report';
import { encodeFrame } from './frame-encoder';
import type { FrameWriter } from './frame-writer';

/** What {@link writeMessage} writes with, and the limits it keeps. */
export interface MessageOut {
  readonly writer: FrameWriter;
  readonly codec: FrameCodec;
  readonly maxFrameBytes: number;
  /** The origin's wire: the bare JSON text, one message per write, no frame. */
  readonly origin: boolean;
  /** Whether `bytes` more may wait for the peer; if not, the peer was dropped, and this is why. */
  admit(bytes: number): OonError | undefined;
}

/**
 * Encodes a message into a frame of `kind` (behind `prefix`: a request id, a sequence
 * number) and refuses a frame over `maxFrameBytes` with `BadData`, before anything is
 * written. Throws `BadData` too when the object does not fit its schema.
 */
export function encodeMessageFrame(codec: Codec, kind: FrameKind, message: NetMessage, maxFrameBytes: number, prefix?: Uint8Array): Buffer {
  const slab = frameSlab;
  if (slab === undefined || !isFrameCodec(codec)) return encodeApart(codec, kind, message, maxFrameBytes, prefix);
  // Taken while in use: a getter that sends while this message is encoded gets its frame apart.
  frameSlab = undefined;
  try {
    slab.reset();
    slab.ensure(FRAME_HEADER_BYTES);
    slab.pos += FRAME_LENGTH_BYTES;
    slab.u8(kind);
    if (prefix !== undefined) slab.raw(prefix);
    codec.encodeInto(message, slab);
    // What the peer's decoder measures against its limit: the frame without its length prefix.
    const size = slab.length - FRAME_LENGTH_BYTES;
    if (size > maxFrameBytes) throw overMaxFrameBytes(size, maxFrameBytes);
    slab.setU32BE(0, size);
    const frame = slab.finish();
    return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  } finally {
    frameSlab = slab;
  }
}

/**
 * Where {@link encodeMessageFrame} writes frames (a request's, which may wait for the
 * peer's `maxRequestsInFlight`): one after another, each handed out as a view that later frames
 * never overwrite, as Node's buffer pool does. A frame in a buffer of its own and the
 * codec's copy were a tenth of a sending session's time.
 */
let frameSlab: ByteWriter | undefined = new ByteWriter(64 * 1024);

function isFrameCodec(codec: Codec): codec is FrameCodec {
  return typeof (codec as Partial<FrameCodec>).encodeInto === 'function';
}

/** {@link encodeMessageFrame} through the codec's own buffer, then a buffer of the frame's own. */
function encodeApart(codec: Codec, kind: FrameKind, message: NetMessage, maxFrameBytes: number, prefix?: Uint8Array): Buffer {
  const frame = encodeFrame(kind, codec.encode(message), prefix);
  const size = frame.length - FRAME_LENGTH_BYTES;
  if (size > maxFrameBytes) throw overMaxFrameBytes(size, maxFrameBytes);
  return frame;
}

/**
 * Encodes a message into a frame of `kind` (behind `prefix`) straight into the writer's
 * batch and queues it; resolves when it is handed to the operating system. Rejects, with
 * nothing sent, with `BadData` when the object does not fit its schema or the frame
 * would exceed `maxFrameBytes`, and with the `admit` error for a slow consumer.
 */
export function writeMessage(out: MessageOut, kind: FrameKind, message: NetMessage, prefix?: Uint8Array): Promise<void> {
  const { writer, codec, maxFrameBytes } = out;
  if (out.origin || writer.frameOpen) return writeEncoded(out, kind, message, prefix);
  writer.beginFrame(kind, prefix);
  try {
    codec.encodeInto(message, writer.out);
  } catch (err) {
    writer.abandonFrame();
    return Promise.reject(toOonError(err));
  }
  const size = writer.openFrameLength;
  const refused = size > maxFrameBytes ? overMaxFrameBytes(size, maxFrameBytes) : out.admit(FRAME_LENGTH_BYTES + size);
  if (refused === undefined) return writer.endFrame();
  writer.abandonFrame();
  return Promise.reject(refused);
}

/**
 * The way of {@link writeMessage} for the origin's wire (the bare text of the message),
 * and for a message sent while another is being encoded (a getter that sends): encoded
 * on its own, then copied into the batch.
 */
function writeEncoded(out: MessageOut, kind: FrameKind, message: NetMessage, prefix?: Uint8Array): Promise<void> {
  let payload: string | Uint8Array;
  try {
    payload = out.codec.encode(message);
  } catch (err) {
    return Promise.reject(toOonError(err));
  }
  const bytes = out.origin ? Buffer.from(payload) : encodeFrame(kind, payload, prefix);
  const size = out.origin ? bytes.length : bytes.length - FRAME_LENGTH_BYTES;
  if (size > out.maxFrameBytes) return Promise.reject(overMaxFrameBytes(size, out.maxFrameBytes));
  const refused = out.admit(bytes.length);
  return refused !== undefined ? Promise.reject(refused) : out.writer.write(bytes);
}

/** The `BadData` for a message whose frame (`size` bytes, as the peer's decoder counts them) is over `maxFrameBytes`. */
export function overMaxFrameBytes(size: number, maxFrameBytes: number): BadDataError {
  return new BadDataError(
    `message of ${size} bytes is over maxFrameBytes (${maxFrameBytes}); nothing was sent. Raise maxFrameBytes on both sides or send less`,
  );
}
