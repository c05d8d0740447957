/**
 * What a session's messages look like on the wire, over real sockets: to a peer whose
 * hello says `next: true`, a link's first message is a Message with its seq and the rest
 * NextMessage frames without one; to a peer that does not say it (an older OON, a
 * hand-written peer), every message carries its seq. Hand-written peers read the frames.
 */
import type { Socket } from 'node:net';
import { encodeFrame, FrameKind } from '@oon/wire';
import { Tick } from '../../examples/reconnect/src/tick';
import { decodeFrames, harness, nextEvent, type RawFrame } from '../support/harness';
import { waitUntil } from '../support/wait-until';

const h = harness();
afterEach(() => h.closeAll());

const hello = (fields: object): Uint8Array => encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], ...fields }));
/** The kind and, for a Message, the seq of each message frame. */
const messages = (frames: RawFrame[]): Array<[number, number | undefined]> =>
  frames.filter((f) => f.kind === FrameKind.Message || f.kind === FrameKind.NextMessage).map((f) => [f.kind, f.kind === FrameKind.Message ? f.payload.readUInt32BE(4) : undefined]);

const NUMBERED_FIRST: Array<[number, number | undefined]> = [[FrameKind.Message, 1], ...Array.from({ length: 4 }, (): [number, undefined] => [FrameKind.NextMessage, undefined])];
const ALL_NUMBERED: Array<[number, number | undefined]> = [1, 2, 3, 4, 5].map((seq) => [FrameKind.Message, seq]);

describe.each([
  ['says `next: true`', true, NUMBERED_FIRST],
  ['does not say `next` (an older OON)', false, ALL_NUMBERED],
])('to a peer whose hello %s', (_name, next, expected) => {
  it('a client sends its session messages so', async () => {
    let socket: Socket | undefined;
    const received: Buffer[] = [];
    const { port } = await h.rawServer((s) => {
      socket = s;
      s.on('data', (chunk: Buffer) => received.push(chunk));
    });
    const client = h.client<Tick>(port);
    const connecting = client.connect();
    connecting.catch(() => {});
    await waitUntil(() => decodeFrames(Buffer.concat(received)).length > 0, 2_000, () => "the client's hello");
    const granted = { id: 'a-session', resumed: false, received: 0, secret: Buffer.alloc(32, 7).toString('base64'), ...(next ? { next: true } : {}) };
    (socket as Socket).write(hello({ codec: 'json', session: granted }));
    await connecting;

    for (let n = 0; n < 5; n++) await client.send(new Tick(n));
    await waitUntil(() => messages(decodeFrames(Buffer.concat(received))).length === 5, 2_000, () => 'five messages');
    expect(messages(decodeFrames(Buffer.concat(received)))).toEqual(expected);
    // Acknowledged, so the client's close does not wait for it.
    const five = Buffer.alloc(8);
    five.writeUInt32BE(5, 4);
    (socket as Socket).write(encodeFrame(FrameKind.Ack, five));
    await client.flush();
  });

  it('a server sends its session messages so', async () => {
    const { server, port } = await h.listeningServer<Tick>();
    const connected = nextEvent(server, 'connection');
    const raw = await h.rawPeer(port);
    await raw.write(hello({ session: { received: 0, ...(next ? { next: true } : {}) } }));
    const [peer] = await connected;

    for (let n = 0; n < 5; n++) await peer.send(new Tick(n));
    await waitUntil(() => messages(decodeFrames(raw.received())).length === 5, 2_000, () => 'five messages');
    expect(messages(decodeFrames(raw.received()))).toEqual(expected);
  });
});
