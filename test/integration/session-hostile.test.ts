/**
 * Peers that misuse a session: sequence numbers out of step, acks for what was never
 * sent, messages sent twice, another client's session id. Each is dropped (or
 * de-duplicated) alone, and the server goes on.
 */
import { NetMessage, type OonError } from '@oon/core';
import { DEFAULT_MAX_BUFFERED_BYTES, encodeFrame, FrameKind, JsonCodec } from '@oon/wire';
import { sessionProof } from '@oon/wire/internal';
import { Tick } from '../../examples/reconnect/src/tick';
import { decodeFrames, harness, nextEvent, within } from '../support/harness';
import { waitUntil } from '../support/wait-until';

const h = harness();
afterEach(() => h.closeAll());


describe('a hostile peer on a session connection', () => {
  const seq = (n: number): Buffer => {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32BE(n, 4);
    return bytes;
  };
  const sessionHello = (session: object): Uint8Array =>
    encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], session }));
  const tickFrame = (n: number, at: number): Uint8Array =>
    encodeFrame(FrameKind.Message, new JsonCodec().encode(new NetMessage(new Tick(n))), seq(at));
  /** A message without its seq: one past the last on the link. */
  const nextTick = (n: number): Uint8Array => encodeFrame(FrameKind.NextMessage, new JsonCodec().encode(new NetMessage(new Tick(n))));

  it.each([
    ['a message that skips a seq', () => tickFrame(1, 5), /sent message #5 after #1: the messages between are missing/],
    ['an ack for a message never sent', () => encodeFrame(FrameKind.Ack, seq(99)), /acknowledged message #99, but only 0 were sent/],
    ['a message too short for its seq', () => encodeFrame(FrameKind.Message, 'abc'), /too short for its sequence number/],
  ])('%s: dropped with BadData, told why, and the server goes on', async (_name, bytes, fragment) => {
    const { server, port } = await h.listeningServer<Tick>();
    const errors: OonError[] = [];
    server.on('error', (err) => errors.push(err));
    const raw = await h.rawPeer(port);
    await raw.write(sessionHello({ received: 0 }));
    await raw.write(Buffer.concat([tickFrame(0, 1), bytes()]));
    const received = await within(2_000, raw.closed, 'the hostile peer being dropped');

    expect(errors.map((e) => e.code)).toEqual(['BadData']);
    expect(errors[0]?.message).toMatch(fragment);
    const told = decodeFrames(received).find((f) => f.kind === FrameKind.Error);
    expect(told?.payload.toString()).toMatch(fragment);

    const client = await h.connectedClient<Tick>(port);
    const arrived = nextEvent(server, 'message');
    await client.send(new Tick(3));
    expect((await arrived)[0].n).toBe(3);
  });

  it.each([
    // Each delivered once: 1, 2; 2 and 1 again; 3.
    ['Message frames', () => [tickFrame(0, 1), tickFrame(1, 2), tickFrame(1, 2), tickFrame(0, 1), tickFrame(2, 3)], [0, 1, 2]],
    // A NextMessage is one past the message before it on the link: 1, 2, 3; 2 and 3 again (resent from 2, as after a resume that lost an Ack); 4.
    ['NextMessage frames', () => [tickFrame(0, 1), nextTick(1), nextTick(2), tickFrame(1, 2), nextTick(2), nextTick(3)], [0, 1, 2, 3]],
  ])('drops %s sent again with a seq already delivered, and counts them, over a real socket', async (_name, frames, expected) => {
    const { server, port } = await h.listeningServer<Tick>();
    const got: number[] = [];
    server.on('message', (tick) => got.push(tick.n));
    const connected = nextEvent(server, 'connection');
    const raw = await h.rawPeer(port);
    await raw.write(sessionHello({ received: 0 }));
    const [peer] = await connected;
    await raw.write(Buffer.concat(frames()));

    await waitUntil(() => got.length === expected.length, 2_000, () => `${expected.length} ticks (got ${got.length})`);
    expect(got).toEqual(expected);
    expect(peer.stats).toMatchObject({ received: expected.length, duplicates: 2 });
  });

  it.each([
    ['first on a session connection, before a Message with its seq', true, /sent a NextMessage frame as its first message on this connection, where a Message frame with its seq must come first/],
    ['on a connection without a session', false, /peer sent a NextMessage frame, but this connection has no session/],
  ])('drops a peer that sends a NextMessage %s with BadData, and the server goes on', async (_name, withSession, fragment) => {
    const { server, port } = await h.listeningServer<Tick>();
    const errors: OonError[] = [];
    server.on('error', (err) => errors.push(err));
    const raw = await h.rawPeer(port);
    await raw.write(withSession ? sessionHello({ received: 0 }) : encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'] })));
    await raw.write(nextTick(1));
    const received = await within(2_000, raw.closed, 'the peer being dropped');

    expect(errors.map((e) => e.code)).toEqual(['BadData']);
    expect(errors[0]?.message).toMatch(fragment);
    expect(decodeFrames(received).find((f) => f.kind === FrameKind.Error)?.payload.toString()).toMatch(fragment);
    const client = await h.connectedClient<Tick>(port);
    const arrived = nextEvent(server, 'message');
    await client.send(new Tick(3));
    expect((await arrived)[0].n).toBe(3);
  });

  it('resumes a session only for the token that opened it, with proof of its secret: another token gets a new session', async () => {
    const { server, port } = await h.listeningServer({ auth: () => true });
    const errors: string[] = [];
    server.on('error', (err) => errors.push(err.message));
    type Granted = { id: string; resumed: boolean; secret?: string };
    /** Sends a hello; answers a challenge with the proof under `secret`; resolves with the server's grant. */
    const answer = async (session: { id?: string; received: number }, token: string, secret?: string): Promise<Granted> => {
      const raw = await h.rawPeer(port);
      await raw.write(encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], token, session })));
      await waitUntil(() => decodeFrames(raw.received()).length > 0, 2_000, () => 'the server answer');
      const [first] = decodeFrames(raw.received());
      if (first?.kind === FrameKind.Challenge) {
        expect(first.payload.length).toBe(32);
        await raw.write(encodeFrame(FrameKind.Proof, await sessionProof(Buffer.from(secret ?? '', 'base64'), first.payload, session.id ?? '')));
      }
      await waitUntil(() => decodeFrames(raw.received()).some((f) => f.kind === FrameKind.Hello), 2_000, () => 'the server hello');
      const hello = decodeFrames(raw.received()).find((f) => f.kind === FrameKind.Hello);
      return (JSON.parse(hello?.payload.toString() ?? '{}') as { session: Granted }).session;
    };
    const opened = await answer({ received: 0 }, 'alice');
    expect(opened).toMatchObject({ resumed: false, secret: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });

    const stranger = await answer({ id: opened.id, received: 0 }, 'mallory', opened.secret);
    expect(stranger.resumed).toBe(false);
    expect(stranger.id).not.toBe(opened.id);

    const owner = await answer({ id: opened.id, received: 0 }, 'alice', opened.secret);
    expect(owner).toEqual({ id: opened.id, resumed: true, received: 0, window: DEFAULT_MAX_BUFFERED_BYTES, next: true });
    expect(errors).toEqual([expect.stringMatching(`named session ${opened.id} with another token than the one that opened it: not resumed`)]);
  });

  it('drops a client that answers the session challenge with anything but a proof', async () => {
    const { server, port } = await h.listeningServer();
    const failed = nextEvent(server, 'error');
    const raw = await h.rawPeer(port);
    await raw.write(sessionHello({ id: 'whatever', received: 0 }));
    await waitUntil(() => decodeFrames(raw.received()).length > 0, 2_000, () => 'the challenge');
    expect(decodeFrames(raw.received())[0]?.kind).toBe(FrameKind.Challenge);
    await raw.write(tickFrame(0, 1));
    const [err] = await failed;
    expect(err.code).toBe('BadData');
    expect(err.message).toMatch(/answered the session challenge with a frame of kind 2, not a proof/);
    await within(2_000, raw.closed, 'the peer being dropped');
  });

  it('refuses a hello whose session is malformed with BadData', async () => {
    const { server, port } = await h.listeningServer();
    const failed = nextEvent(server, 'error');
    const raw = await h.rawPeer(port);
    await raw.write(sessionHello({ received: -1 }));
    const [err] = await failed;
    expect(err.code).toBe('BadData');
    expect(err.message).toMatch(/session without a valid `received` count/);
    await within(2_000, raw.closed, 'the peer being dropped');
  });
});
