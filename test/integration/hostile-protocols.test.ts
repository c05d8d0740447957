/**
 * Protocol sniffing over real sockets: a peer that speaks HTTP, TLS or the origin's
 * unframed JSON to an OON port is named precisely, rather than reported as a frame over
 * the size limit, and an honest client goes on meanwhile.
 */
import type { Socket } from 'node:net';
import { expectOonError, harness, nextEvent, within } from '../support/harness';
import { echoScene, lastErrorReport, roundTrip } from '../support/scene';

const h = harness();
afterEach(() => h.closeAll());

/** The start of a real TLS 1.2+ ClientHello record. */
const TLS_CLIENT_HELLO = Buffer.from('160301020001' + '0001fc0303' + '00'.repeat(32), 'hex');

describe('a foreign protocol on the server port', () => {
  const cases: Array<[name: string, bytes: Buffer | (() => Buffer[]), expected: RegExp]> = [
    ['an HTTP GET', Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'), /HTTP request on an OON port/],
    ['an HTTP POST', Buffer.from('POST /api HTTP/1.1\r\nContent-Length: 0\r\n\r\n'), /HTTP request on an OON port/],
    ['an HTTP HEAD', Buffer.from('HEAD / HTTP/1.0\r\n\r\n'), /HTTP request on an OON port/],
    ['an HTTP GET cut into 1-byte writes', () => [...Buffer.from('GET / HTTP/1.1\r\n')].map((b) => Buffer.from([b])), /HTTP request on an OON port/],
    ['a TLS ClientHello', TLS_CLIENT_HELLO, /TLS client on a plain port/],
    ['an origin oon 0.0.5 peer', Buffer.from('{"head": {"uuid": "0123456789"}, "body": {"type": "VolvoCar", "speed": 1}}'), /origin oon 0\.0\.5 peer: use protocol 'oon-0\.0\.5'/],
  ];

  it.each(cases)('%s: a BadData error that names it, told to the peer; the honest client goes on', async (_name, bytes, expected) => {
    const s = await echoScene(h);
    const errored = nextEvent(s.server, 'error');
    const raw = await h.rawPeer(s.port);
    if (Buffer.isBuffer(bytes)) await raw.write(bytes);
    else for (const piece of bytes()) await raw.write(piece);

    const [err, peer] = await errored;
    expect(err.code).toBe('BadData');
    expect(err.message).toMatch(/^client 127\.0\.0\.1:\d+ failed the handshake: /);
    expect(err.message).toMatch(expected);
    expect(err.message).not.toMatch(/over the limit/);
    expect(peer).toBeUndefined();
    const report = lastErrorReport(await within(2_000, raw.closed, 'the foreign peer being dropped'));
    expect(report?.code).toBe('BadData');
    expect(report?.message).toMatch(expected);

    await roundTrip(s.honest, 1);
    expect(s.honestTroubles).toEqual([]);
  });

  it('still reports random bytes as an oversize frame: only known protocols are named', async () => {
    const s = await echoScene(h);
    const errored = nextEvent(s.server, 'error');
    const raw = await h.rawPeer(s.port);
    await raw.write(Buffer.from('7fffffff01020304', 'hex'));
    const [err] = await errored;
    expect(err.message).toMatch(/frame of 2147483647 bytes is over the limit/);
  });
});

describe('a client that dials something that is not an OON server', () => {
  it('an HTTP server: connect() rejects with BadData naming it', async () => {
    const { port } = await h.rawServer((socket: Socket) => {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    const client = h.client(port);
    await expectOonError(client.connect(), 'BadData', /HTTP response from the peer: an HTTP server listens there, not an OON server/);
  });
});
