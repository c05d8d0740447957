/**
 * Hostile peers for the soak: raw sockets that each misbehave in one way the limits
 * must catch. None of them ever gets anything but dropped: those that send a whole
 * message the server cannot read (`unknown class`, `proto key`, `bad messages`) have
 * each such message rejected, then fall silent, so heartbeats drop them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameKind } from '@oon/wire';

const HELLO = encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'] }));
/** A hello that asks for a resumable session: the server then numbers what it sends and keeps it until acknowledged. */
const SESSION_HELLO = encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], session: { received: 0 } }));
const message = (body: string, prefix?: Uint8Array): Uint8Array => encodeFrame(FrameKind.Message, `{"head": {"uuid": "0123456789"}, "body": ${body}}`, prefix);
const CHAT_BODY = `{"type": "soak.Chat", "client": -1, "seq": 0, "text": "${'n'.repeat(1024)}"}`;
const CHAT = message(CHAT_BODY);
/** The u64 seq in front of a session's message. */
const seq = (n: number): Uint8Array => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(n));
  return bytes;
};
/** A Request frame for a Chat, which the soak's server answers slowly (`SOAK_HANDLER_MS`). */
const request = (id: number): Uint8Array => {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(id, 0);
  return encodeFrame(FrameKind.Request, `{"head": {"uuid": "0123456789"}, "body": {"type": "soak.Chat", "client": -1, "seq": ${id}, "text": "${'r'.repeat(1024)}"}}`, prefix);
};

/** How each kind of hostile peer misbehaves: what it writes, and whether it reads. */
export const HOSTILE_KINDS = {
  garbage: () => [randomBytes(256)],
  http: () => [Buffer.from('GET / HTTP/1.1\r\nHost: soak\r\n\r\n')],
  tls: () => [Buffer.from('16030100a5010000a10303' + '00'.repeat(32), 'hex')],
  origin: () => [Buffer.from('{"head": {"uuid": "0123456789"}, "body": {"type": "soak.Chat"}}')],
  slowloris: () => [HELLO, encodeFrame(FrameKind.Message, 'x'.repeat(500)).subarray(0, 20)],
  silent: () => [HELLO],
  'unknown class': () => [HELLO, message('{"type": "Nope"}')],
  // Quoted: a bare `__proto__:` in an object literal would set the prototype, not a key.
  'proto key': () => [HELLO, message('{"type": "soak.Chat", "__proto__": {"polluted": true}}')],
  // 1,000 whole messages the server cannot read (a class it lacks, a field of the wrong
  // type): each is rejected on its own, a Rejected frame back, the link goes on; then
  // silent, so heartbeats drop it.
  'bad messages': () => [
    HELLO,
    ...Array.from({ length: 1_000 }, (_, i) => message(i % 2 === 0 ? '{"type": "Nope"}' : '{"type": "soak.Chat", "client": "x"}')),
  ],
  // 20 MiB of echoes is more than loopback's kernel buffers hold, so the server's queue grows.
  'non-reader': () => [HELLO, ...Array.from({ length: 20_000 }, () => CHAT)],
  // The same with a session: the echoes it never reads nor acknowledges are held for it
  // unacknowledged, and count against maxPendingBytes like the socket's bytes.
  'stalled session': () => [SESSION_HELLO, ...Array.from({ length: 20_000 }, (_, i) => message(CHAT_BODY, seq(i + 1)))],
  // Names a session it never had and answers the server's challenge with a guessed proof:
  // it gets a new session of its own, then falls silent, so heartbeats drop it.
  'session thief': () => [
    encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], session: { id: randomUUID(), received: 0 } })),
    encodeFrame(FrameKind.Proof, randomBytes(32)),
  ],
  // A frame of a kind OON does not use (a fault: the link drops), then it neither reads
  // nor closes, and trickles a byte every 100 ms: the server must destroy its socket
  // FAULT_CLOSE_GRACE (1 s) after the Error frame, not after closeGrace. Its writes meet
  // the reset of the destroyed socket, which is how it learns it was dropped.
  'faulted trickler': () => [HELLO, encodeFrame(42 as FrameKind, 'x')],
  // Ignores the maxRequestsInFlight of the server's hello: all but the first ones are
  // refused with an error reply, unhandled. Then silent, so heartbeats drop it.
  'request flood': () => [HELLO, ...Array.from({ length: 5_000 }, (_, i) => request(i + 1))],
} as const satisfies Record<string, () => Uint8Array[]>;

/** A kind of hostile peer. */
export type HostileKind = keyof typeof HOSTILE_KINDS;

/** Kinds that never read what the server sends. */
const NON_READERS: ReadonlySet<HostileKind> = new Set(['non-reader', 'stalled session', 'faulted trickler']);

/**
 * Connects one hostile peer of `kind`; resolves when the server has dropped it (or it is
 * destroyed), with the milliseconds from its connect to its close.
 */
export function unleash(port: number, kind: HostileKind, sockets: Set<Socket>): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let connectedAt = Date.now();
    let trickle: NodeJS.Timeout | undefined;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => {
      clearInterval(trickle);
      sockets.delete(socket);
      resolve(Date.now() - connectedAt);
    });
    socket.once('connect', () => {
      connectedAt = Date.now();
      if (NON_READERS.has(kind)) socket.pause();
      else socket.resume();
      for (const bytes of HOSTILE_KINDS[kind]()) socket.write(bytes);
      if (kind === 'faulted trickler') trickle = setInterval(() => socket.write(Buffer.of(0)), 100);
    });
  });
}
