/**
 * Loopback test harness: real sockets on 127.0.0.1, every one of them recorded so that
 * `closeAll()` (in `afterEach`) leaves no server listening and no socket open, whatever
 * a failing test left behind.
 */
import { once, type EventEmitter as NodeEventEmitter } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import WebSocket, { createWebSocketStream, WebSocketServer } from 'ws';
import { OonError, type ErrorCode } from '@oon/core';
import { encodeFrame, FrameDecoder, FrameKind } from '@oon/wire';
import { OonServer, type OonServerEvents, type OonServerOptions } from '@oon/server';
import { OonClient, type OonClientEvents, type OonClientOptions } from '@oon/client';

/** The loopback address every test binds and dials. */
export const LOOPBACK = '127.0.0.1';

/** What a harness's endpoints talk over: TCP, or WebSocket (the server's `websocket` option, the client's `url`). */
export type TestTransport = 'tcp' | 'websocket';

/** Every transport, for `describe.each(TRANSPORTS)`: the suites that hold for both run over each. */
export const TRANSPORTS: readonly TestTransport[] = ['tcp', 'websocket'];

/** The URL a WebSocket client of the harness dials for a server on `port`. */
export function wsUrl(port: number): string {
  return `ws://${LOOPBACK}:${port}/`;
}

/** How long a test waits for an event before failing, unless told otherwise. */
export const DEFAULT_EVENT_TIMEOUT_MS = 2_000;

/** The event map of an OON endpoint, so `nextEvent` knows each event's arguments. */
export type EventsOf<E> =
  E extends OonServer<infer T> ? OonServerEvents<T> : E extends OonClient<infer T> ? OonClientEvents<T> : never;

/** An OON endpoint whose events `nextEvent` can await. */
export type OonEndpoint = OonServer<any> | OonClient<any>;

/**
 * Resolves with the arguments of the next `name` event, as a tuple; rejects if it does
 * not come within `timeoutMs`. Call it before the action that causes the event.
 */
export function nextEvent<E extends OonEndpoint, K extends keyof EventsOf<E> & string>(
  emitter: E,
  name: K,
  timeoutMs?: number,
): Promise<EventsOf<E>[K]>;
/** The same for a Node emitter (a raw `net` socket or server): the arguments are untyped. */
export function nextEvent(emitter: NodeEventEmitter, name: string, timeoutMs?: number): Promise<unknown[]>;
export function nextEvent(
  emitter: OonEndpoint | NodeEventEmitter,
  name: string,
  timeoutMs: number = DEFAULT_EVENT_TIMEOUT_MS,
): Promise<unknown[]> {
  // Both eventemitter3 and Node's EventEmitter have once/off with this shape.
  const target = emitter as unknown as {
    once(event: string, fn: (...args: unknown[]) => void): unknown;
    off(event: string, fn: (...args: unknown[]) => void): unknown;
  };
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args);
    };
    const timer = setTimeout(() => {
      target.off(name, listener);
      reject(new Error(`no '${name}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    target.once(name, listener);
  });
}

/**
 * Collects the next `count` events named `name`, each as its arguments tuple; rejects if
 * they do not all come within `timeoutMs`.
 */
export function collectEvents<E extends OonEndpoint, K extends keyof EventsOf<E> & string>(
  emitter: E,
  name: K,
  count: number,
  timeoutMs: number = DEFAULT_EVENT_TIMEOUT_MS,
): Promise<Array<EventsOf<E>[K]>> {
  const target = emitter as unknown as {
    on(event: string, fn: (...args: unknown[]) => void): unknown;
    off(event: string, fn: (...args: unknown[]) => void): unknown;
  };
  return new Promise((resolve, reject) => {
    const seen: Array<EventsOf<E>[K]> = [];
    const listener = (...args: unknown[]): void => {
      seen.push(args as EventsOf<E>[K]);
      if (seen.length === count) {
        clearTimeout(timer);
        target.off(name, listener);
        resolve(seen);
      }
    };
    const timer = setTimeout(() => {
      target.off(name, listener);
      reject(new Error(`only ${seen.length} of ${count} '${name}' events within ${timeoutMs} ms`));
    }, timeoutMs);
    target.on(name, listener);
  });
}

/**
 * Asserts that `promise` rejects with an `OonError` of `code` (and, if given, a message
 * containing `fragment`); returns the error for further checks.
 */
export async function expectOonError(promise: Promise<unknown>, code: ErrorCode, fragment?: string | RegExp): Promise<OonError> {
  let settled: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    settled = { ok: true, value: await promise };
  } catch (error) {
    settled = { ok: false, error };
  }
  if (settled.ok) {
    throw new Error(`expected a rejection with OonError ${code}, but it resolved with ${String(settled.value)}`);
  }
  const { error } = settled;
  if (!(error instanceof OonError)) {
    throw new Error(`expected an OonError ${code}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  expect(error.code).toBe(code);
  if (fragment !== undefined) expect(error.message).toMatch(fragment);
  return error;
}

/** Fails if the promise has not settled within `ms`: a deadline for things that must be quick. */
export function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** A frame as a raw peer received it. */
export interface RawFrame {
  kind: number;
  payload: Buffer;
}

/**
 * A raw peer of an OON server, for speaking (or mangling) the protocol by hand: a `net`
 * socket, or over WebSocket a `ws` client whose binary messages carry the bytes.
 */
export interface RawPeer {
  /** The TCP socket (under the WebSocket, for one): pause it to stop reading. */
  readonly socket: Socket;
  /** Every byte received so far (over WebSocket, of its binary messages). */
  received(): Buffer;
  /** Resolves when the socket is closed (by either side), with everything received. */
  readonly closed: Promise<Buffer>;
  /** Writes bytes (over WebSocket, one binary message) and resolves once they are handed to the OS. */
  write(bytes: Uint8Array | string): Promise<void>;
  /** Calls `listener` with each chunk (over WebSocket, each binary message) that arrives from now on. */
  onData(listener: (chunk: Buffer) => void): void;
  /** The `ws` client, over WebSocket. */
  readonly ws?: WebSocket;
}

/** Splits received bytes into frames; a trailing partial frame is ignored. */
export function decodeFrames(bytes: Buffer, maxFrameBytes = 16 * 1024 * 1024): RawFrame[] {
  const frames: RawFrame[] = [];
  new FrameDecoder({ maxFrameBytes }).push(bytes, (kind, payload) => frames.push({ kind, payload: Buffer.from(payload) }));
  return frames;
}

/** The hello an OON v1 peer sends first, as a raw frame. */
export function helloFrame(): Uint8Array {
  // `codec` is what a server's hello names; a server ignores it in a client's hello.
  return encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], codec: 'json' }));
}

/** Creates endpoints and remembers each, so {@link Harness.closeAll} can close them all. */
export interface Harness {
  /** An `OonServer` on 127.0.0.1 and port 0 (a free port), or on `options.path`; not yet listening. */
  server<T extends object = object>(options?: OonServerOptions): OonServer<T>;
  /** An `OonServer` that listens; resolves with it and its real port. */
  listeningServer<T extends object = object>(options?: OonServerOptions): Promise<{ server: OonServer<T>; port: number }>;
  /** An `OonClient` for 127.0.0.1:`port` (or a Unix socket, when given a path), not yet connected. */
  client<T extends object = object>(port: number | string, options?: OonClientOptions): OonClient<T>;
  /** A connected `OonClient`. */
  connectedClient<T extends object = object>(port: number | string, options?: OonClientOptions): Promise<OonClient<T>>;
  /** A raw TCP socket (or, over WebSocket, a `ws` client) to 127.0.0.1:`port`, connected. */
  rawPeer(port: number): Promise<RawPeer>;
  /** What this harness's endpoints talk over. */
  readonly transport: TestTransport;
  /**
   * A plain `net` server on a free port, for playing a server by hand: `onSocket` gets
   * every accepted socket (whose input is read and dropped). Without it, the server
   * accepts and never writes a byte.
   */
  rawServer(onSocket?: (socket: Socket) => void): Promise<{ server: Server; port: number }>;
  /** Closes every client, server and socket this harness made. */
  closeAll(): Promise<void>;
}

/**
 * A new harness; call `closeAll()` in `afterEach`. Over `'websocket'` its servers take
 * WebSocket clients only (on `port`, as TCP ones would be), its clients dial `ws://`, and
 * its raw peers are `ws` clients: a suite runs over either unchanged.
 */
export function harness(transport: TestTransport = 'tcp'): Harness {
  const overWebSocket = transport === 'websocket';
  const servers: OonServer<any>[] = [];
  const clients: OonClient<any>[] = [];
  const sockets = new Set<Socket>();
  const netServers: Server[] = [];

  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };

  const h: Harness = {
    transport,

    server<T extends object>(options: OonServerOptions = {}): OonServer<T> {
      let resolved: OonServerOptions = options.path === undefined ? { host: LOOPBACK, port: 0, ...options } : options;
      if (overWebSocket) {
        const { port = 0, ...rest } = resolved;
        const shared = options.websocket?.server !== undefined;
        resolved = { ...rest, tcp: false, websocket: { ...(shared ? {} : { port, host: LOOPBACK }), ...options.websocket } };
      }
      const server = new OonServer<T>(resolved);
      servers.push(server);
      return server;
    },

    async listeningServer<T extends object>(options?: OonServerOptions) {
      const server = h.server<T>(options);
      const { port } = await server.listen();
      return { server, port };
    },

    client<T extends object>(port: number | string, options: OonClientOptions = {}): OonClient<T> {
      const where: OonClientOptions =
        options.url !== undefined || options.endpoints !== undefined ? {} : typeof port === 'string' ? { path: port } : overWebSocket ? { url: wsUrl(port) } : { host: LOOPBACK, port };
      const client = new OonClient<T>({ ...where, ...options });
      clients.push(client);
      return client;
    },

    async connectedClient<T extends object>(port: number | string, options?: OonClientOptions) {
      const client = h.client<T>(port, options);
      await client.connect();
      return client;
    },

    async rawPeer(port: number): Promise<RawPeer> {
      if (overWebSocket) return rawWebSocketPeer(port, track);
      const socket = track(createConnection({ host: LOOPBACK, port }));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A reset from the server is one way of being dropped; the test looks at 'close'.
      socket.on('error', () => {});
      const closed = new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))));
      await once(socket, 'connect');
      return {
        socket,
        received: () => Buffer.concat(chunks),
        closed,
        write: (bytes) =>
          new Promise<void>((resolve, reject) => socket.write(bytes, (err) => (err ? reject(err) : resolve()))),
        onData: (listener) => socket.on('data', listener),
      };
    },

    async rawServer(onSocket?: (socket: Socket) => void) {
      if (overWebSocket) return rawWebSocketServer(onSocket, track, netServers);
      const server = createServer((socket) => {
        track(socket);
        socket.on('error', () => {});
        socket.resume(); // read (and drop) what comes, so the peer's FIN is seen and the socket can close
        onSocket?.(socket);
      });
      netServers.push(server);
      server.listen(0, LOOPBACK);
      await once(server, 'listening');
      return { server, port: (server.address() as AddressInfo).port };
    },

    async closeAll(): Promise<void> {
      await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.splice(0).map((s) => s.close().catch(() => {})));
      await Promise.all(
        netServers.splice(0).map(
          (server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
        ),
      );
    },
  };
  return h;
}

/** A raw peer over WebSocket: each write one binary message, what arrives in binary messages kept. */
async function rawWebSocketPeer(port: number, track: (socket: Socket) => Socket): Promise<RawPeer> {
  const ws = new WebSocket(wsUrl(port), { perMessageDeflate: false });
  const chunks: Buffer[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) chunks.push(data);
  });
  ws.on('error', () => {});
  const closed = new Promise<Buffer>((resolve) => ws.once('close', () => resolve(Buffer.concat(chunks))));
  await once(ws, 'open');
  const socket = track((ws as unknown as { _socket: Socket })._socket);
  return {
    socket,
    ws,
    received: () => Buffer.concat(chunks),
    closed,
    write: (bytes) => new Promise<void>((resolve, reject) => ws.send(bytes, { binary: true }, (err) => (err ? reject(err) : resolve()))),
    onData: (listener) =>
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) listener(data);
      }),
  };
}

/**
 * A raw server over WebSocket: `onSocket` gets a stream of each client's binary messages
 * (typed as a socket: tests write, end and destroy it as one), whose writes are messages.
 */
async function rawWebSocketServer(
  onSocket: ((socket: Socket) => void) | undefined,
  track: (socket: Socket) => Socket,
  netServers: Server[],
): Promise<{ server: Server; port: number }> {
  const server = createHttpServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    track((ws as unknown as { _socket: Socket })._socket);
    const stream = createWebSocketStream(ws);
    stream.on('error', () => {});
    stream.resume(); // read (and drop) what comes
    onSocket?.(stream as unknown as Socket);
  });
  netServers.push(server);
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}
