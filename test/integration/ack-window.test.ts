/**
 * How often a session acknowledges, over real sockets: each side announces its send
 * window in the hello (`session.window`), and the other acknowledges once a quarter of
 * it has arrived (or after the Ack delay), not every 64 KiB; a peer that announces none
 * is acknowledged as before. Hand-written peers count the Ack frames on the wire.
 */
import type { Socket } from 'node:net';
import { NetClass, NetField, NetMessage } from '@oon/core';
import { DEFAULT_MAX_BUFFERED_BYTES, encodeFrame, FrameKind, JsonCodec } from '@oon/wire';
import { ACK_DELAY, ACK_EVERY_BYTES } from '@oon/wire/internal';
import { decodeFrames, harness, nextEvent, type RawFrame } from '../support/harness';
import { waitUntil } from '../support/wait-until';

const h = harness();
afterEach(() => h.closeAll());

const seqBytes = (n: number): Buffer => {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32BE(n, 4);
  return bytes;
};
const seqOf = (frame: RawFrame): number => frame.payload.readUInt32BE(4);
const hello = (fields: object): Uint8Array => encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], ...fields }));

/** A message of about 16 KiB: few enough per MiB that the receiver reads a stream of them well within the Ack delay. */
@NetClass('ack.Blob')
class Blob {
  @NetField() n: number;
  @NetField() body: string;
  constructor(n = 0, body = '') {
    this.n = n;
    this.body = body;
  }
}

/** Message frames of `count` Blobs of seqs `first`, `first + 1`, …, in one buffer. */
function blobs(first: number, count: number): Buffer {
  const codec = new JsonCodec();
  const body = 'x'.repeat(16 * 1024);
  return Buffer.concat(Array.from({ length: count }, (_, i) => encodeFrame(FrameKind.Message, codec.encode(new NetMessage(new Blob(i, body))), seqBytes(first + i))));
}

/** One Blob first, so the receiver has decoded one before the stream is timed. */
const WARM_UP = blobs(1, 1);
/** Then a little over 1 MiB of frames: over a quarter of the default window, about 20 times 64 KiB. */
const STREAM = blobs(2, 80);
/** The last seq. */
const LAST = 81;

/**
 * Writes the warm-up message and, once it arrived (`got` counts deliveries), the stream;
 * resolves with the Acks a receiver may have sent for it under a 4 MiB window: one at the
 * quarter, one for the rest, and one per Ack delay the stream took to arrive (on a loaded
 * machine the delay's timer fires while the stream is still read).
 */
async function stream(write: (bytes: Uint8Array) => unknown, got: () => number): Promise<number> {
  write(WARM_UP);
  await waitUntil(() => got() === 1, 2_000, () => 'the first message');
  const start = Date.now();
  write(STREAM);
  await waitUntil(() => got() === LAST, 5_000, () => `${LAST} messages (got ${got()})`);
  // The warm-up's own Ack, after the delay, too.
  return 3 + Math.ceil((Date.now() - start) / ACK_DELAY);
}

describe('Acks by the peer\'s announced send window', () => {
  beforeAll(() => {
    // The stream is a little over a quarter of the default window, and many times the fixed 64 KiB.
    expect(STREAM.length).toBeGreaterThan(DEFAULT_MAX_BUFFERED_BYTES / 4);
    expect(STREAM.length).toBeLessThan(DEFAULT_MAX_BUFFERED_BYTES / 2);
  });

  it('a server acknowledges a client that announces a 4 MiB window once per quarter of it (plus one after the delay), and announces its own', async () => {
    const { server, port } = await h.listeningServer<Blob>();
    let got = 0;
    server.on('message', () => (got += 1));
    const connected = nextEvent(server, 'connection');
    const raw = await h.rawPeer(port);
    await raw.write(hello({ session: { received: 0, window: DEFAULT_MAX_BUFFERED_BYTES } }));
    await connected;
    const allowed = await stream((bytes) => raw.write(bytes), () => got);
    const acks = (): RawFrame[] => decodeFrames(raw.received()).filter((f) => f.kind === FrameKind.Ack);
    await waitUntil(() => acks().some((ack) => seqOf(ack) === LAST), 2_000, () => `an Ack of #${LAST} (Acks ${acks().map(seqOf).join(', ')})`);

    // One when a quarter of the window (1 MiB) had arrived, one for the rest, and those of
    // the 20 ms timer while the stream was read: with Acks every 64 KiB, about 20.
    expect(acks().length).toBeLessThanOrEqual(allowed);
    const [serverHello] = decodeFrames(raw.received()).filter((f) => f.kind === FrameKind.Hello);
    expect(JSON.parse(String(serverHello?.payload)).session).toMatchObject({ resumed: false, received: 0, window: DEFAULT_MAX_BUFFERED_BYTES, next: true });
  });

  it('a server acknowledges a client that announces no window every 64 KiB, as before', async () => {
    const { server, port } = await h.listeningServer<Blob>();
    let got = 0;
    server.on('message', () => (got += 1));
    const connected = nextEvent(server, 'connection');
    const raw = await h.rawPeer(port);
    await raw.write(hello({ session: { received: 0 } }));
    await connected;
    await stream((bytes) => raw.write(bytes), () => got);
    const acks = (): RawFrame[] => decodeFrames(raw.received()).filter((f) => f.kind === FrameKind.Ack);
    await waitUntil(() => acks().some((ack) => seqOf(ack) === LAST), 2_000, () => `an Ack of #${LAST}`);
    // At the end of each tick in which 64 KiB of whole frames arrived: a chunk read is at most 64 KiB.
    expect(acks().length).toBeGreaterThanOrEqual(Math.floor(STREAM.length / (2 * ACK_EVERY_BYTES)));
  });

  it('a client announces its window and acknowledges a server by the window the server announced', async () => {
    let socket: Socket | undefined;
    const received: Buffer[] = [];
    const { port } = await h.rawServer((s) => {
      socket = s;
      s.on('data', (chunk: Buffer) => received.push(chunk));
    });
    const client = h.client<Blob>(port, { maxBufferedBytes: 256 * 1024 });
    let got = 0;
    client.on('message', () => (got += 1));
    const connecting = client.connect();
    // Awaited once the hello is answered; a failure before that is the test's.
    connecting.catch(() => {});
    await waitUntil(() => decodeFrames(Buffer.concat(received)).length > 0, 2_000, () => "the client's hello");
    const [clientHello] = decodeFrames(Buffer.concat(received));
    expect(JSON.parse(String(clientHello?.payload)).session).toEqual({ received: 0, window: 256 * 1024, next: true });

    const granted = { id: 'a-session', resumed: false, received: 0, secret: Buffer.alloc(32, 7).toString('base64'), window: DEFAULT_MAX_BUFFERED_BYTES };
    (socket as Socket).write(hello({ codec: 'json', session: granted }));
    await connecting;
    const allowed = await stream((bytes) => (socket as Socket).write(bytes), () => got);
    const acks = (): RawFrame[] => decodeFrames(Buffer.concat(received)).filter((f) => f.kind === FrameKind.Ack);
    await waitUntil(() => acks().some((ack) => seqOf(ack) === LAST), 2_000, () => `an Ack of #${LAST}`);
    // A quarter of the server's 4 MiB, the rest, and the timer's (about 20 every 64 KiB).
    expect(acks().length).toBeLessThanOrEqual(allowed);
  });
});
