/**
 * Transports other than plain TCP: Unix domain sockets (`path`) and TLS (`tls`), with
 * and without mutual TLS. Certificates are made at test time by `openssl`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OonError } from '@oon/core';
import { OonServer } from '@oon/server';
import { OonClient } from '@oon/client';
import { VolvoCar } from '../../examples/cars/src/cars';
import { makeTestCertificates, type TestCertificates } from '../support/certs';
import { expectOonError, harness, nextEvent } from '../support/harness';

const h = harness();
afterEach(() => h.closeAll());

/** Sends a car each way and checks both arrive as live `VolvoCar`s with their values. */
async function roundTrip(server: OonServer<VolvoCar>, client: OonClient<VolvoCar>): Promise<void> {
  const atServer = nextEvent(server, 'message');
  await client.send(new VolvoCar(41, 3));
  const [car, peer] = await atServer;
  expect(car).toBeInstanceOf(VolvoCar);
  expect([car.speed, car.wheels]).toEqual([41, 3]);

  const atClient = nextEvent(client, 'message');
  await peer.send(new VolvoCar(42, 6));
  const [back] = await atClient;
  expect(back).toBeInstanceOf(VolvoCar);
  expect([back.speed, back.wheels]).toEqual([42, 6]);
}

describe('Unix socket transport (path)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oon-unix-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves and dials a Unix socket path: objects go both ways, address() names the path', async () => {
    const path = join(dir, 'oon.sock');
    const server = h.server<VolvoCar>({ path });
    const bound = await server.listen();
    expect(bound).toEqual({ address: path, family: 'unix', port: 0 });
    expect(server.address()).toEqual(bound);

    const client = await h.connectedClient<VolvoCar>(path);
    await roundTrip(server, client);
  });

  it('rejects connect() with BadConn naming the path when nothing listens there', async () => {
    const path = join(dir, 'nobody.sock');
    await expectOonError(h.client(path).connect(), 'BadConn', path);
  });

  it('refuses path together with host or port, on both endpoints, with a TypeError', () => {
    expect(() => new OonServer({ path: '/tmp/x.sock', port: 9090 })).toThrow(new TypeError('pass either `path` (a Unix socket) or `host`/`port` (TCP), not both'));
    expect(() => new OonServer({ path: '/tmp/x.sock', host: '::1' })).toThrow(TypeError);
    expect(() => new OonClient({ path: '/tmp/x.sock', port: 9090 })).toThrow(/pass either `path`/);
    expect(() => new OonClient({ path: '' })).toThrow(TypeError);
  });
});

describe('TLS transport (tls)', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeTestCertificates();
  });

  it('exchanges objects over TLS when the client trusts the server\'s CA', async () => {
    const { server, port } = await h.listeningServer<VolvoCar>({ tls: { key: certs.server.key, cert: certs.server.cert } });
    const client = await h.connectedClient<VolvoCar>(port, { tls: { ca: certs.ca } });
    await roundTrip(server, client);
  });

  it('rejects connect() with BadConn when the server\'s certificate does not verify', async () => {
    const { port } = await h.listeningServer({ tls: { key: certs.server.key, cert: certs.server.cert } });
    const err = await expectOonError(h.client(port, { tls: { ca: certs.otherCa } }).connect(), 'BadConn', /TLS handshake with 127\.0\.0\.1:\d+ failed/);
    expect((err.cause as NodeJS.ErrnoException).code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('rejects connect() with BadConn when a plain TCP client meets a TLS server, or the reverse', async () => {
    const tlsServer = await h.listeningServer({ tls: { key: certs.server.key, cert: certs.server.cert }, handshakeTimeout: 1_000 });
    await expectOonError(h.client(tlsServer.port, { connectTimeout: 3_000 }).connect(), 'BadConn');

    const plainServer = await h.listeningServer();
    await expectOonError(h.client(plainServer.port, { tls: { ca: certs.ca } }).connect(), 'BadConn', /TLS handshake/);
  });

  describe('mutual TLS', () => {
    const mutual = (): { key: string; cert: string; ca: string; mutual: true } => ({ key: certs.server.key, cert: certs.server.cert, ca: certs.ca, mutual: true });

    it('admits a client whose certificate is signed by the server\'s ca', async () => {
      const { server, port } = await h.listeningServer<VolvoCar>({ tls: mutual() });
      const client = await h.connectedClient<VolvoCar>(port, { tls: { ca: certs.ca, key: certs.client.key, cert: certs.client.cert } });
      await roundTrip(server, client);
    });

    it('refuses a client without a certificate, or with one from another CA: BadConn, and the server reports it', async () => {
      const { server, port } = await h.listeningServer({ tls: mutual() });
      const errors: OonError[] = [];
      server.on('error', (err) => errors.push(err));
      const connections: unknown[] = [];
      server.on('connection', (peer) => connections.push(peer));

      await expectOonError(h.client(port, { tls: { ca: certs.ca } }).connect(), 'BadConn');
      const stranger = { ca: certs.ca, key: certs.strangerClient.key, cert: certs.strangerClient.cert };
      await expectOonError(h.client(port, { tls: stranger }).connect(), 'BadConn');

      expect(connections).toEqual([]);
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(errors[0]?.code).toBe('BadConn');
      expect(errors[0]?.message).toMatch(/TLS handshake with client 127\.0\.0\.1:\d+ failed/);
    });

    it('refuses mutual TLS without a ca, and a client key without its cert, with a TypeError', () => {
      expect(() => new OonServer({ tls: { key: certs.server.key, cert: certs.server.cert, mutual: true } })).toThrow(/tls.mutual needs `ca`/);
      expect(() => new OonClient({ tls: { key: certs.client.key } })).toThrow(/both `key` and `cert`/);
    });
  });
});
