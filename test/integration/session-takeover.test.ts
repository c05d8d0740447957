/**
 * Session takeover: whoever sees a session id (it travels in every hello), or records a
 * whole resume, must not be able to resume the session. Resuming takes proof of the
 * session's secret over a fresh nonce of the server's; a failed proof gets a new session
 * of its own, and the victim's live link is untouched.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { NetClass, NetField, NetMessage, type OonError } from '@oon/core';
import { BinaryCodec, DEFAULT_MAX_BUFFERED_BYTES, encodeFrame, FrameKind, JsonCodec } from '@oon/wire';
import type { Peer } from '@oon/server';
import type { OonClient } from '@oon/client';
import { decodeFrames, harness, LOOPBACK, nextEvent, type RawFrame } from '../support/harness';
import { waitUntil } from '../support/wait-until';

@NetClass()
class Note {
  @NetField() text: string = '';
}

const note = (text: string): Note => Object.assign(new Note(), { text });

const h = harness();
const taps: Tap[] = [];
afterEach(async () => {
  await h.closeAll();
  await Promise.all(taps.splice(0).map((t) => t.close()));
});

/** A passive observer on the path: forwards both ways and records every byte of every link. */
interface Tap {
  readonly port: number;
  /** Bytes the client sent on each link so far, oldest link first. */
  readonly fromClient: Buffer[][];
  /** Bytes the server sent on each link so far. */
  readonly fromServer: Buffer[][];
  /** Cuts every live link (as a dying route does). */
  cut(): void;
  close(): Promise<void>;
}

async function tap(targetPort: number): Promise<Tap> {
  const sockets = new Set<Socket>();
  const fromClient: Buffer[][] = [];
  const fromServer: Buffer[][] = [];
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  const server: Server = createServer((client) => {
    track(client);
    const upstream = track(connect({ host: LOOPBACK, port: targetPort }));
    const up: Buffer[] = [];
    const down: Buffer[] = [];
    fromClient.push(up);
    fromServer.push(down);
    client.on('data', (chunk: Buffer) => (up.push(chunk), upstream.write(chunk)));
    upstream.on('data', (chunk: Buffer) => (down.push(chunk), client.write(chunk)));
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  const made: Tap = {
    port: (server.address() as AddressInfo).port,
    fromClient,
    fromServer,
    cut: () => sockets.forEach((socket) => socket.destroy()),
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  taps.push(made);
  return made;
}

const framesOf = (chunks: Buffer[] | undefined): RawFrame[] => decodeFrames(Buffer.concat(chunks ?? []));
interface HelloSeen {
  codec?: string;
  session?: { id: string; resumed: boolean; secret?: string };
}
const helloOf = (frames: RawFrame[]): HelloSeen => JSON.parse(frames.find((f) => f.kind === FrameKind.Hello)?.payload.toString() ?? '{}') as HelloSeen;

/**
 * Plays the attacker: sends `hello` straight to the server; if challenged, answers with
 * `proof` (a recorded one, or garbage); resolves with the server's hello and the socket.
 */
async function attack(port: number, hello: Uint8Array, proof: Uint8Array): Promise<{ session: HelloSeen['session']; send: (n: Note) => Promise<void> }> {
  const raw = await h.rawPeer(port);
  await raw.write(hello);
  await waitUntil(() => decodeFrames(raw.received()).length > 0, 2_000, () => 'the server answering the hello');
  if (decodeFrames(raw.received())[0]?.kind === FrameKind.Challenge) await raw.write(proof);
  await waitUntil(() => decodeFrames(raw.received()).some((f) => f.kind === FrameKind.Hello || f.kind === FrameKind.Error), 2_000, () => 'the server hello');
  const { session, codec: agreed } = helloOf(decodeFrames(raw.received()));
  const codec = agreed === 'json' ? new JsonCodec() : new BinaryCodec();
  let seq = 0;
  const send = async (n: Note): Promise<void> => {
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32BE(++seq, 4);
    await raw.write(encodeFrame(FrameKind.Message, codec.encode(new NetMessage(n)), prefix));
  };
  return { session, send };
}

/** A server, and a victim client connected to it through a tap; the server's errors and the notes it got, with their peer. */
async function victimOnTappedPath(): Promise<{ port: number; errors: OonError[]; arrived: Array<[string, Peer]>; path: Tap; victim: OonClient; victimPeer: Peer }> {
  const { server, port } = await h.listeningServer<Note>();
  const errors: OonError[] = [];
  server.on('error', (err) => errors.push(err));
  const arrived: Array<[string, Peer]> = [];
  server.onMessage(Note, (n, peer) => arrived.push([n.text, peer]));
  const path = await tap(port);
  const victim = h.client(path.port);
  const connected = nextEvent(server, 'connection');
  await victim.connect();
  const [victimPeer] = await connected;
  return { port, errors, arrived, path, victim, victimPeer };
}

describe('resuming a session takes proof of its secret', () => {
  it('an observer who recorded a whole resume cannot replay it: it gets a new session, and the victim keeps its link', async () => {
    const { port, errors, arrived, path, victim, victimPeer } = await victimOnTappedPath();
    // The route dies once; the victim resumes over a new link, which the observer records.
    const resumed = nextEvent(victim, 'reconnect', 5_000);
    path.cut();
    expect((await resumed)[0].resumed).toBe(true);
    const grant = helloOf(framesOf(path.fromServer[0]));
    const recorded = framesOf(path.fromClient[1]);
    const [hello, proof = Buffer.alloc(0)] = recorded.map((f) => encodeFrame(f.kind as FrameKind, f.payload));

    const victimDropped = jest.fn();
    victim.on('disconnect', victimDropped);
    const attacker = await attack(port, hello as Uint8Array, proof);

    expect(attacker.session?.resumed).toBe(false);
    expect(attacker.session?.id).not.toBe(grant.session?.id);
    // What the observer saw: the secret once, in the grant; the resume carried a proof, and no secret back.
    expect(grant.session?.secret).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(recorded.map((f) => f.kind)).toEqual([FrameKind.Hello, FrameKind.Proof]);
    expect(helloOf(framesOf(path.fromServer[1])).session).toEqual({ id: grant.session?.id, resumed: true, received: 0, window: DEFAULT_MAX_BUFFERED_BYTES, next: true });
    // Both sides read NextMessage frames, and say so.
    expect(helloOf(recorded).session).toMatchObject({ id: grant.session?.id, next: true });
    await attacker.send(note('from the attacker'));
    await victim.send(note('from the victim'));
    await waitUntil(() => arrived.length === 2, 2_000, () => `both notes (got ${arrived.length})`);
    expect(arrived.find(([text]) => text === 'from the victim')?.[1]).toBe(victimPeer);
    expect(arrived.find(([text]) => text === 'from the attacker')?.[1]).not.toBe(victimPeer);
    expect(victimDropped).not.toHaveBeenCalled();
    expect(victim.connected).toBe(true);
    expect(victim.status).toBe('connected');
    expect(errors.map((e) => [e.code, e.message])).toContainEqual([
      'BadConn',
      expect.stringMatching(new RegExp(`named session ${grant.session?.id} without proof of its secret: not resumed \\(a new session was granted\\), and the session's own link is untouched`)),
    ]);
  });

  it('an attacker who knows only the session id cannot resume it with a guessed proof', async () => {
    const { port, arrived, path, victim, victimPeer } = await victimOnTappedPath();
    const id = helloOf(framesOf(path.fromServer[0])).session?.id as string;
    const victimDropped = jest.fn();
    victim.on('disconnect', victimDropped);

    const hello = encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], session: { id, received: 0 } }));
    const attacker = await attack(port, hello, encodeFrame(FrameKind.Proof, Buffer.alloc(32, 7)));

    expect(attacker.session).toMatchObject({ resumed: false });
    expect(attacker.session?.id).not.toBe(id);
    await victim.send(note('still mine'));
    await waitUntil(() => arrived.length === 1, 2_000, () => 'the victim note');
    expect(arrived[0]?.[1]).toBe(victimPeer);
    expect(victimDropped).not.toHaveBeenCalled();
    expect(victim.connected).toBe(true);
  });
});
