/**
 * Hostile peers on raw sockets: whatever one sends, the server reports a BadData error
 * event and goes on serving an honest client connected at the same time. A stream it
 * cannot read gets that peer told why in an Error frame and dropped; a whole message it
 * cannot read gets the peer told in a Rejected frame, and the connection goes on.
 */
import { randomBytes } from 'node:crypto';
import { OonError } from '@oon/core';
import { encodeFrame, FrameKind } from '@oon/wire';
import { decodeFrames, harness, helloFrame, nextEvent, within, type RawPeer, TRANSPORTS } from '../support/harness';
import { echoScene, roundTrip, type Scene } from '../support/scene';

/** The server's frame limit in these tests; a hostile length is one more. */
const MAX_FRAME_BYTES = 64 * 1024;

const h = harness();
afterEach(() => h.closeAll());

/** An echo server with a small frame limit, and an honest client. */
function scene(): Promise<Scene> {
  return echoScene(h, { maxFrameBytes: MAX_FRAME_BYTES });
}

function messageFrame(json: string): Uint8Array {
  return encodeFrame(FrameKind.Message, json);
}

/** A frame header that announces a frame one byte over the server's limit (the body never comes). */
function overLimitHeader(): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
  header.writeUInt8(FrameKind.Message, 4);
  return header;
}

/** Random bytes whose first byte makes any length prefix far over the limit, so the outcome is fixed. */
describe.each(TRANSPORTS)('over %s', (transport) => {
  function randomGarbage(): Buffer {
    const bytes = randomBytes(512);
    bytes[0] = (bytes[0] as number) | 0x80;
    return bytes;
  }

  /**
   * Asserts what the raw peer got before the close: the server's hello if its own hello was
   * accepted (the server answers a hello only), then an Error frame saying BadData.
   */
  function expectToldWhy(received: Buffer, fragment: RegExp, { helloAccepted }: { helloAccepted: boolean }): void {
    const frames = decodeFrames(received);
    expect(frames.map((f) => f.kind)).toEqual(helloAccepted ? [FrameKind.Hello, FrameKind.Error] : [FrameKind.Error]);
    const report = JSON.parse((frames.at(-1)?.payload as Buffer).toString('utf8')) as { code: unknown; message: unknown };
    expect(report.code).toBe('BadData');
    expect(report.message).toMatch(fragment);
  }

  describe('a hostile peer before the handshake', () => {
    const cases: Array<[name: string, bytes: () => Uint8Array, fragment: RegExp]> = [
      ['random bytes', randomGarbage, /over the limit of 65536 bytes/],
      ['an HTTP request', () => Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), /HTTP request on an OON port/],
      ['a Message frame instead of a hello', () => messageFrame('{"head": {"uuid": "0123456789"}, "body": {"type": "VolvoCar"}}'), /first frame is of kind 2, not hello/],
      [
        'a hello for protocol version 2',
        () => encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 2, codecs: ['json'] })),
        /protocol version 2/,
      ],
      [
        'a hello with no codec in common',
        () => encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['msgpack'] })),
        /no codec in common/,
      ],
    ];

    it.each(cases)('%s: BadData error event, told why, dropped; an honest client goes on', async (_name, bytes, fragment) => {
      const s = await scene();
      await roundTrip(s.honest, 1);
      const errored = nextEvent(s.server, 'error');
      const raw = await h.rawPeer(s.port);

      await raw.write(bytes());

      const [err, peer] = await errored;
      expect(err).toBeInstanceOf(OonError);
      expect(err.code).toBe('BadData');
      expect(err.message).toMatch(fragment);
      expect(err.message).toMatch(/^client 127\.0\.0\.1:\d+ failed the handshake/);
      // No handshake, so no Peer was ever made for it.
      expect(peer).toBeUndefined();
      expectToldWhy(await within(1_000, raw.closed, 'the hostile peer being dropped'), fragment, { helloAccepted: false });

      expect(s.server.listening).toBe(true);
      await roundTrip(s.honest, 2);
      expect(s.errors).toHaveLength(1);
      expect(s.disconnects).toEqual([]);
      expect(s.server.peers.size).toBe(1);
      expect(s.honestTroubles).toEqual([]);
    });
  });

  describe.each([
    ['in one write with the hello', true],
    ['after the handshake', false],
  ])('a hostile peer that says hello, then sends bad data %s', (_delivery, oneWrite) => {
    const cases: Array<[name: string, bytes: () => Uint8Array, fragment: RegExp]> = [
      ['a frame over maxFrameBytes', overLimitHeader, /frame of 65537 bytes is over the limit of 65536 bytes/],
      ['a frame of an unused kind', () => encodeFrame(42 as FrameKind, 'x'), /frame of kind 42/],
      ['an Ack on a connection without a session', () => encodeFrame(FrameKind.Ack, Buffer.alloc(8)), /ack frame, but this connection has no session/],
    ];

    it.each(cases)('%s: BadData error event for its Peer, told why, dropped; an honest client goes on', async (_name, bytes, fragment) => {
      const s = await scene();
      await roundTrip(s.honest, 1);
      const connection = nextEvent(s.server, 'connection');
      const errored = nextEvent(s.server, 'error');
      const disconnected = nextEvent(s.server, 'disconnect');
      const raw: RawPeer = await h.rawPeer(s.port);

      if (oneWrite) {
        await raw.write(Buffer.concat([helloFrame(), bytes()]));
      } else {
        await raw.write(helloFrame());
        await connection;
        await raw.write(bytes());
      }

      const [hostile] = await connection;
      expect(hostile.address).toBe('127.0.0.1');
      const [err, peer] = await errored;
      expect(err).toBeInstanceOf(OonError);
      expect(err.code).toBe('BadData');
      expect(err.message).toMatch(fragment);
      expect(peer).toBe(hostile);
      expectToldWhy(await within(1_000, raw.closed, 'the hostile peer being dropped'), fragment, { helloAccepted: true });
      expect(await disconnected).toEqual([hostile, 'bad data']);
      expect(hostile.connected).toBe(false);

      expect(s.server.listening).toBe(true);
      await roundTrip(s.honest, 2);
      expect(s.errors).toHaveLength(1);
      expect(s.disconnects).toHaveLength(1);
      expect([...s.server.peers]).not.toContain(hostile);
      expect(s.server.peers.size).toBe(1);
      expect(s.honestTroubles).toEqual([]);
    });
  });

  describe('a peer that says hello, then sends a whole message the server cannot read', () => {
    const cases: Array<[name: string, json: string, head: { id?: string; class?: string }, fragment: RegExp]> = [
      ['an unknown class', '{"head": {"uuid": "0123456789"}, "body": {"type": "Nope"}}', { id: '0123456789', class: 'Nope' }, /^body: unknown class `Nope`/],
      ['garbage JSON', '{"head": {"uuid": "0123456789"}, "body": {"ty', {}, /^message is not valid JSON/],
      ['a field the class lacks', '{"head": {"uuid": "0123456789"}, "body": {"type": "VolvoCar", "wings": 2}}', { id: '0123456789', class: 'VolvoCar' }, /VolvoCar has no field `wings`/],
      ['no head', '{"body": {"type": "VolvoCar"}}', { class: 'VolvoCar' }, /no "head"/],
      ['a value of the wrong type', '{"head": {"uuid": "u"}, "body": {"type": "VolvoCar", "speed": "fast"}}', { id: 'u', class: 'VolvoCar' }, /^body\.speed: expected number, got string "fast"/],
    ];

    it.each(cases)('%s: BadData error event for its Peer, a Rejected frame naming it, the connection goes on', async (_name, json, head, fragment) => {
      const s = await scene();
      const connection = nextEvent(s.server, 'connection');
      const errored = nextEvent(s.server, 'error');
      const raw: RawPeer = await h.rawPeer(s.port);
      await raw.write(Buffer.concat([helloFrame(), messageFrame(json)]));

      const [hostile] = await connection;
      const [err, peer] = await errored;
      expect(err.code).toBe('BadData');
      expect(err.message).toMatch(/^dropped (the|a) .*message.* from 127\.0\.0\.1:\d+: /);
      expect(peer).toBe(hostile);
      await roundTrip(s.honest, 2);
      const frames = decodeFrames(raw.received());
      expect(frames.map((f) => f.kind)).toEqual([FrameKind.Hello, FrameKind.Rejected]);
      const report = JSON.parse((frames[1]?.payload as Buffer).toString('utf8')) as Record<string, unknown>;
      expect(report).toMatchObject({ ...head, code: 'BadData' });
      expect(report['message']).toMatch(fragment);
      expect(hostile.connected).toBe(true);
      expect(s.disconnects).toEqual([]);
      expect(s.server.peers.size).toBe(2);
      expect(s.honestTroubles).toEqual([]);
    });
  });

  it('survives many hostile peers at once while an honest client keeps talking', async () => {
    const s = await scene();
    const hostiles = 20;
    const raws = await Promise.all(Array.from({ length: hostiles }, () => h.rawPeer(s.port)));
    const talking = (async () => {
      for (let i = 0; i < 20; i++) await roundTrip(s.honest, i);
    })();

    await Promise.all(
      raws.map((raw, i) =>
        raw.write(i % 2 === 0 ? randomGarbage() : Buffer.concat([helloFrame(), overLimitHeader()])),
      ),
    );
    const closed = await within(2_000, Promise.all(raws.map((raw) => raw.closed)), 'every hostile peer being dropped');
    await talking;

    for (const received of closed) expect(decodeFrames(received).at(-1)?.kind).toBe(FrameKind.Error);
    expect(s.errors).toHaveLength(hostiles);
    expect(s.errors.every(([err]) => err.code === 'BadData')).toBe(true);
    await roundTrip(s.honest, 99);
    expect(s.honestTroubles).toEqual([]);
  });
});
