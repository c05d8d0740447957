/**
 * What only WebSocket has, over real sockets: hostile WebSocket peers (oversize and text
 * messages), upgrades that are not OON's (another path, a plain HTTP request, a refused
 * Origin), sharing an HTTP app's port, wss, and the client address behind a proxy. The
 * suites common to both transports (messages, requests, reconnect, limits, hostile
 * frames, slow readers) run over WebSocket through `harness('websocket')`.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, get as httpGet, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createConnection, type AddressInfo, type Socket } from 'node:net';
import WebSocket from 'ws';
import { OonError } from '@oon/core';
import { FrameKind } from '@oon/wire';
import { OonServer, type Peer } from '@oon/server';
import { VolvoCar } from '../../examples/cars/src/cars';
import { makeTestCertificates } from '../support/certs';
import { Everything } from '../support/extra';
import { decodeFrames, expectOonError, harness, helloFrame, LOOPBACK, nextEvent, within, wsUrl } from '../support/harness';
import { echoScene, lastErrorReport, roundTrip } from '../support/scene';

const h = harness('websocket');
const httpServers: HttpServer[] = [];
const appSockets: Socket[] = [];
afterEach(async () => {
  await h.closeAll();
  // Every socket the app accepted, upgraded ones too (closeAllConnections() leaves those
  // out, and close() waits for them: a WebSocket at the app's other path held it open).
  for (const socket of appSockets.splice(0)) socket.destroy();
  await Promise.all(httpServers.splice(0).map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
});

const DROP_WITHIN_MS = 5_000;

/** What a plain HTTP GET (or a WebSocket upgrade refused) gets back: status and body. */
function httpAnswer(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (response: IncomingMessage) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** The status and body a `ws` client gets when its upgrade is refused. */
function refusedUpgrade(url: string, options: WebSocket.ClientOptions = {}): Promise<{ status: number; body: string }> {
  const ws = new WebSocket(url, options);
  ws.on('error', () => {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => reject(new Error(`the upgrade to ${url} was accepted`)));
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        ws.terminate();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
  });
}

/** A plain http server on a free port that answers GET /health with "ok". */
async function httpApp(serve: (port: number) => HttpServer = () => createHttpServer(healthRoute)): Promise<{ app: HttpServer; port: number }> {
  const app = serve(0);
  httpServers.push(app);
  app.on('connection', (socket: Socket) => appSockets.push(socket));
  app.listen(0, LOOPBACK);
  await once(app, 'listening');
  return { app, port: (app.address() as AddressInfo).port };
}

function healthRoute(request: IncomingMessage, response: import('node:http').ServerResponse): void {
  if (request.url === '/health') response.end('ok');
  else {
    response.statusCode = 404;
    response.end('not found');
  }
}

describe('hostile WebSocket peers', () => {
  it('drops a peer that sends a text message with BadData, telling it why in an Error frame; others go on', async () => {
    const s = await echoScene(h);
    const errored = nextEvent(s.server, 'error', DROP_WITHIN_MS);
    const raw = await h.rawPeer(s.port);
    await raw.write(helloFrame());
    (raw.ws as WebSocket).send('{"hello": "as text"}');

    const [err] = await errored;
    expect(err.code).toBe('BadData');
    expect(err.message).toMatch(/^127\.0\.0\.1:\d+ sent a WebSocket text message: OON travels in binary messages only$/);
    const received = await within(DROP_WITHIN_MS, raw.closed, 'the peer being dropped');
    expect(decodeFrames(received).map((f) => f.kind)).toEqual([FrameKind.Hello, FrameKind.Error]);
    expect(lastErrorReport(received)).toEqual({ code: 'BadData', message: err.message });
    await roundTrip(s.honest, 3);
    expect(s.honestTroubles).toEqual([]);
  });

  it('refuses a text message before the hello the same way: the handshake fails with BadData', async () => {
    const s = await echoScene(h);
    const errored = nextEvent(s.server, 'error', DROP_WITHIN_MS);
    const raw = await h.rawPeer(s.port);
    (raw.ws as WebSocket).send('GET / HTTP/1.1');

    const [err] = await errored;
    expect(err).toBeInstanceOf(OonError);
    expect(err.code).toBe('BadData');
    expect(err.message).toMatch(/failed the handshake: .*sent a WebSocket text message/);
    expect(lastErrorReport(await within(DROP_WITHIN_MS, raw.closed, 'the peer being dropped'))).toMatchObject({ code: 'BadData' });
    await roundTrip(s.honest, 4);
  });

  it('drops a peer whose one WebSocket message passes 256 KiB before buffering it (close 1009), with BadData', async () => {
    const s = await echoScene(h);
    const errored = nextEvent(s.server, 'error', DROP_WITHIN_MS);
    const raw = await h.rawPeer(s.port);
    await raw.write(helloFrame());
    const ws = raw.ws as WebSocket;
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    ws.send(Buffer.alloc(256 * 1024 + 1));

    const [err] = await errored;
    expect(err.code).toBe('BadData');
    expect(err.message).toMatch(/^127\.0\.0\.1:\d+ sent a WebSocket message of more than 262144 bytes, the most an OON peer sends in one$/);
    expect(await within(DROP_WITHIN_MS, closed, 'the close')).toBe(1009);
    await roundTrip(s.honest, 5);
    expect(s.honestTroubles).toEqual([]);
  });

  it('drops a peer that floods WebSocket pings and does not read the pongs (ws bounds pending pongs); others go on', async () => {
    const s = await echoScene(h);
    const connected = nextEvent(s.server, 'connection');
    const raw = await h.rawPeer(s.port);
    await raw.write(helloFrame());
    const [hostile] = await connected;
    const gone = nextEvent(s.server, 'disconnect', DROP_WITHIN_MS);
    raw.socket.pause(); // and never read again
    const ws = raw.ws as WebSocket;
    const ping = Buffer.alloc(125);
    // Pongs for 20 MB of pings would outgrow every socket buffer between the two.
    for (let i = 0; i < 160_000 && ws.readyState === WebSocket.OPEN; i++) ws.ping(ping);
    const [peer] = await gone;
    expect(peer).toBe(hostile);
    await within(DROP_WITHIN_MS, raw.closed, 'the flooder being dropped');
    await roundTrip(s.honest, 6);
    expect(s.honestTroubles).toEqual([]);
  });

  it('carries a frame far bigger than one WebSocket message: a 600 KiB object arrives whole, both ways', async () => {
    const s = await echoScene(h, { maxFrameBytes: 2 * 1024 * 1024 }, { maxFrameBytes: 2 * 1024 * 1024 });
    const big = new Everything();
    big.name = 'x'.repeat(600 * 1024);
    const echoed = nextEvent(s.honest, 'message');
    await s.honest.send(big as never);
    const [back] = (await echoed) as unknown as [Everything];
    expect(back).toBeInstanceOf(Everything);
    expect(back.name).toBe(big.name);
    expect(s.errors).toEqual([]);
  });
});

describe('upgrades that are not OON', () => {
  it('answers a plain HTTP request on its own port with 426, and an upgrade to another path with 404', async () => {
    const { port } = await h.listeningServer({ websocket: { path: '/oon' } });
    const plain = await httpAnswer(`http://${LOOPBACK}:${port}/oon`);
    expect(plain.status).toBe(426);
    expect(plain.body).toMatch(/this is an OON WebSocket endpoint at \/oon/);
    const elsewhere = await refusedUpgrade(`ws://${LOOPBACK}:${port}/chat`);
    expect(elsewhere).toEqual({ status: 404, body: 'no OON WebSocket endpoint at /chat; it is at /oon\n' });
  });

  it('closes a socket that never finishes its upgrade request within handshakeTimeout, not Node\'s minute', async () => {
    const { port } = await h.listeningServer({ handshakeTimeout: 300 });
    const socket = createConnection({ host: LOOPBACK, port });
    socket.on('error', () => {});
    socket.resume(); // read the 408, so the close is seen
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n'); // and no more
    const started = Date.now();
    await within(3_000, once(socket, 'close'), 'the stalled upgrade being closed');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('rejects connect() with BadConn saying the upgrade was refused, when the url has the wrong path', async () => {
    const { port } = await h.listeningServer({ websocket: { path: '/oon' } });
    await expectOonError(
      h.client(port, { url: `ws://${LOOPBACK}:${port}/wrong`, reconnect: false }).connect(),
      'BadConn',
      /^ws:\/\/127\.0\.0\.1:\d+\/wrong refused the WebSocket upgrade \(HTTP 404 Not Found: no OON WebSocket endpoint at \/wrong; it is at \/oon\); check the url's path/,
    );
  });

  it('refuses a page from an origin not on the list with 403 and the reason, reported on the server; a listed one connects', async () => {
    const { server, port } = await h.listeningServer({ websocket: { origin: ['https://app.example'] } });
    const errored = nextEvent(server, 'error');
    const refused = await refusedUpgrade(wsUrl(port), { origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.body).toBe("origin https://evil.example is not allowed to connect (the server's websocket.origin option)\n");
    const [err] = await errored;
    expect(err.code).toBe('BadConn');
    expect(err.message).toMatch(/^refused WebSocket client 127\.0\.0\.1:\d+: origin https:\/\/evil\.example is not allowed/);

    const allowed = new WebSocket(wsUrl(port), { origin: 'https://app.example' });
    allowed.on('error', () => {});
    await once(allowed, 'open');
    allowed.terminate();
    // Not a browser (no Origin): a list lets it through, as the header only guards browsers.
    await h.connectedClient(port);
  });

  it('asks an origin function, which sees the Origin header', async () => {
    const seen: Array<string | undefined> = [];
    const { port } = await h.listeningServer({
      websocket: {
        origin: (origin) => {
          seen.push(origin);
          return origin?.endsWith('.example') === true;
        },
      },
    });
    expect((await refusedUpgrade(wsUrl(port))).status).toBe(403);
    const ok = new WebSocket(wsUrl(port), { origin: 'https://a.example' });
    ok.on('error', () => {});
    await once(ok, 'open');
    ok.terminate();
    expect(seen).toEqual([undefined, 'https://a.example']);
  });
});

describe('sharing an HTTP app\'s server', () => {
  it('serves OON at its path and leaves the app its routes and its other upgrades, on one port', async () => {
    const { app, port } = await httpApp();
    // The app's own WebSocket endpoint at another path.
    const chat = new WebSocket.Server({ noServer: true });
    app.on('upgrade', (request: IncomingMessage, socket, head) => {
      if (request.url === '/chat') chat.handleUpgrade(request, socket, head, (ws) => ws.send('welcome'));
    });
    const { server } = await h.listeningServer<VolvoCar>({ websocket: { server: app, path: '/oon' } });
    expect(server.address()).toBeNull();
    expect(server.websocketAddress()?.port).toBe(port);

    const client = await h.connectedClient<VolvoCar>(port, { url: `ws://${LOOPBACK}:${port}/oon` });
    const [peer] = [...server.peers] as [Peer];
    const got = nextEvent(client, 'message');
    await peer.send(new VolvoCar(7, 4));
    expect((await got)[0]).toBeInstanceOf(VolvoCar);

    expect(await httpAnswer(`http://${LOOPBACK}:${port}/health`)).toEqual({ status: 200, body: 'ok' });
    const other = new WebSocket(`ws://${LOOPBACK}:${port}/chat`);
    const [welcome] = (await once(other, 'message')) as [Buffer];
    expect(welcome.toString()).toBe('welcome');
    other.terminate();

    // Closing OON leaves the app's server running.
    await server.close();
    expect(app.listening).toBe(true);
    expect(await httpAnswer(`http://${LOOPBACK}:${port}/health`)).toEqual({ status: 200, body: 'ok' });
  });

  it('takes the client address from X-Forwarded-For only with trustProxy', async () => {
    const { server: plain, port: plainPort } = await h.listeningServer();
    const forwarded = { headers: { 'X-Forwarded-For': '203.0.113.9, 198.51.100.7' } };
    const first = nextEvent(plain, 'connection');
    const raw = new WebSocket(wsUrl(plainPort), forwarded);
    raw.on('error', () => {});
    await once(raw, 'open');
    raw.send(helloFrame());
    expect((await first)[0].address).toBe(LOOPBACK);
    raw.terminate();

    const { server: proxied, port } = await h.listeningServer({ websocket: { trustProxy: true } });
    const second = nextEvent(proxied, 'connection');
    const behind = new WebSocket(wsUrl(port), forwarded);
    behind.on('error', () => {});
    await once(behind, 'open');
    behind.send(helloFrame());
    expect((await second)[0].address).toBe('198.51.100.7');
    behind.terminate();
  });
});

describe('wss', () => {
  const certs = makeTestCertificates();
  const tls = { key: certs.server.key, cert: certs.server.cert };

  it('serves wss on its own port with the server\'s tls; a client trusting the CA exchanges objects', async () => {
    const { server, port } = await h.listeningServer<VolvoCar>({ tls });
    const client = await h.connectedClient<VolvoCar>(port, { url: `wss://127.0.0.1:${port}/`, tls: { ca: certs.ca } });
    const got = nextEvent(server, 'message');
    await client.send(new VolvoCar(3, 4));
    expect((await got)[0]).toBeInstanceOf(VolvoCar);
  });

  it('rejects connect() with BadConn when the server\'s certificate does not verify', async () => {
    const { port } = await h.listeningServer({ tls });
    await expectOonError(
      h.client(port, { url: `wss://127.0.0.1:${port}/`, tls: { ca: certs.otherCa }, reconnect: false }).connect(),
      'BadConn',
      /^TLS handshake with wss:\/\/127\.0\.0\.1:\d+\/ failed \(.+\).*; check tls\.ca/,
    );
  });

  it('shares an https app\'s server: wss at the path, HTTPS routes beside it', async () => {
    const { app, port } = await httpApp(() => createHttpsServer(tls, healthRoute) as unknown as HttpServer);
    const { server } = await h.listeningServer<VolvoCar>({ websocket: { server: app, path: '/oon' } });
    const client = await h.connectedClient<VolvoCar>(port, { url: `wss://127.0.0.1:${port}/oon`, tls: { ca: certs.ca } });
    const got = nextEvent(server, 'message');
    await client.send(new VolvoCar(9, 4));
    expect((await got)[0]).toBeInstanceOf(VolvoCar);
  });
});

describe('options', () => {
  it('refuses mistaken websocket and url options with a TypeError or RangeError', () => {
    expect(() => new OonServer({ websocket: {} })).toThrow(new TypeError('websocket needs either `port` (a port of its own) or `server` (an http/https server to share), not both'));
    expect(() => new OonServer({ websocket: { port: 70000 } })).toThrow(RangeError);
    expect(() => new OonServer({ websocket: { port: 0, path: 'oon' } })).toThrow(/websocket\.path must be a string starting with '\/'/);
    expect(() => new OonServer({ websocket: { port: 0, origin: [1 as unknown as string] } })).toThrow(/websocket\.origin must be a list/);
    expect(() => new OonServer({ tcp: false })).toThrow(/tcp: false leaves the server nothing to listen on/);
    expect(() => h.client(1, { url: 'http://x/' })).toThrow(/url must start with ws:\/\/ or wss:\/\//);
    expect(() => h.client(1, { url: 'ws://x/', host: 'x' })).toThrow(/pass either `url`/);
  });
});
