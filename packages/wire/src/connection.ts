import type { Duplex } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import {
  BadConnError,
  BadDataError,
  createOonError,
  defaultRegistry,
  NetMessage,
  OonError,
  TimeoutError,
  type NetMessageOptions,
  type Registry,
} from '@oon/core';
import type { Codec } from './codec';
import { BinaryCodec } from './binary-codec';
import { checkEndpointCodecOptions, type CodecOptions } from './codec-options';
import {
  DEFAULT_CLOSE_GRACE,
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_PENDING_BYTES,
  DEFAULT_PARTIAL_FRAME_TIMEOUT,
  DEFAULT_PING_INTERVAL,
  DEFAULT_PONG_TIMEOUT,
  FRAME_LENGTH_BYTES,
  FrameKind,
} from './constants';
import { FrameDecoder } from './frame-decoder';
import { encodeFrame } from './frame-encoder';
import { FrameWriter } from './frame-writer';
import {
  acceptedCodec,
  agreeCodec,
  clientHello,
  encodeHello,
  parseHello,
  refuseUnknownToPeer,
  serverHello,
  SUPPORTED_CODECS,
  type Hello,
} from './handshake';
import { describeRegistry, type RegistrySchema } from './registry-schema';
import { checkSchemas } from './schema-diff';
import { JsonCodec } from './json-codec';
import { JsonDocumentSplitter } from './json-document-splitter';
import { Inbox } from './inbox';
import { errorFrame, readErrorReport } from './error-report';
import { RequestChannel } from './request-channel';
import type { RequestOptions } from './requests';
import { ReadGate } from './read-gate';
import { Watchdog } from './watchdog';
import { Outbox } from './outbox';
import { sniffForeignProtocol, StreamStart } from './protocol-sniffer';

/**
 * Which wire a connection speaks: `'oon'` (framed, with a handshake: docs/protocol.md)
 * or `'oon-0.0.5'`, the origin's unframed JSON, to talk to Python oon 0.0.5 peers.
 */
export type WireProtocol = 'oon' | 'oon-0.0.5';

/** Options of {@link Connection}, shared by both endpoints; the codec options apply to every message. */
export interface ConnectionOptions extends CodecOptions {
  /**
   * The only codec this side offers (client) or accepts (server). Unset, both are spoken
   * and `'binary'` is preferred; `'json'` is for reading the wire while debugging.
   * @default undefined (binary, else json)
   */
  codec?: 'binary' | 'json';
  /** The wire to speak; both sides must use the same. @default 'oon' */
  protocol?: WireProtocol;
  /** Where wire names are looked up. @default defaultRegistry */
  registry?: Registry;
  /** Largest frame sent or accepted (kind + payload), in bytes. @default 1 MiB */
  maxFrameBytes?: number;
  /** Deepest nesting of objects and arrays. @default 64 */
  maxDepth?: number;
  /** Milliseconds to wait for the peer's hello before failing with `Timeout`. @default 5000 */
  handshakeTimeout?: number;
  /**
   * Milliseconds `close()` lets what is in flight finish (frames already queued are
   * flushed, the peer's close is awaited) before destroying the socket. @default 10000
   */
  closeGrace?: number;
  /**
   * Milliseconds a peer may take to finish a frame it has started; past it, it is
   * dropped with `Timeout` (slowloris guard). 0 disables. @default 10000
   */
  partialFrameTimeout?: number;
  /**
   * Bytes written and not yet taken by the peer; a send past it evicts the peer as a
   * slow consumer (`BadConn`, reason `'slow consumer'`) instead of growing memory. @default 8 MiB
   */
  maxPendingBytes?: number;
  /** Milliseconds of silence from the peer after which it is pinged. 0 disables heartbeats. @default 25000 */
  pingInterval?: number;
  /** Milliseconds a pinged peer has to answer (any bytes do) before it is dropped with `Timeout`. @default 20000 */
  pongTimeout?: number;
}

/** What the endpoint that owns a connection tells it. */
export interface ConnectionOwner {
  /** The client speaks first in the handshake; the server answers. */
  readonly role: 'client' | 'server';
  /** Sent in the client's hello, for the server's `admit`. */
  readonly token?: string;
  /**
   * Server only: decides whether to admit a client from its hello; rejects (with an
   * `OonError`, usually `BadConn`) to refuse it. Frames behind the hello wait.
   */
  admit?(hello: Hello): Promise<void>;
  /**
   * Called once, synchronously, when the handshake is done and before any message of
   * the peer is handled, so the owner's listeners see every message.
   */
  onOpen?(): void;
  /**
   * True while the endpoint has `'message'` listeners. Without any, messages are held
   * for `receive()`; with some, only a `receive()` already waiting gets them, so
   * event-driven code never accumulates memory.
   */
  hasMessageListeners(): boolean;
  /**
   * Answers a request with the reply object, or rejects: an `OonError` reaches the
   * caller with its code, anything else as `BadData` with its message. Without it,
   * every request is answered with an error saying no handler is set.
   */
  handleRequest?(object: object): Promise<object>;
}

/** Why a connection ended, as `'close'` and `'disconnect'` events report it. */
export type DisconnectReason =
  | 'local close'
  | 'remote close'
  | 'bad data'
  | 'rejected by peer'
  | 'refused'
  | 'connection error'
  | 'timeout'
  | 'slow consumer';

/** Events emitted by {@link Connection}. */
export interface ConnectionEvents {
  /** A message arrived: the revived object, and the message that carried it. */
  message: [object: object, message: NetMessage];
  /** The peer sent something wrong after the handshake; the connection is being dropped. */
  error: [error: OonError];
  /** The socket is closed; emitted once. `error` is set unless the close was a clean one. */
  close: [reason: DisconnectReason, error: OonError | undefined];
}

type State = 'handshaking' | 'open' | 'closing' | 'closed';

/**
 * A framed, codec-aware connection over any Node `Duplex` (TCP, TLS, Unix socket):
 * what both `OonServer` peers and `OonClient` are built on.
 *
 * The client sends its `hello` at once; the server admits it (or refuses, saying why in
 * an Error frame) and answers with its own; `ready` settles then. Whatever
 * the peer sends that is wrong (a bad frame, an unknown class) drops this connection
 * only: it emits `'error'` with a `BadData` `OonError`, tells the peer why in an Error
 * frame, and closes.
 */
export class Connection extends EventEmitter<ConnectionEvents> {
  /** Settles when the handshake is done: rejects with an `OonError` if it fails. */
  readonly ready: Promise<void>;
  /** Resolves once the socket is closed. */
  readonly closed: Promise<void>;

  readonly #socket: Duplex;
  /** Every frame goes out through it, in order: it joins the frames of a tick into one write. */
  readonly #writer: FrameWriter;
  readonly #registry: Registry;
  readonly #maxFrameBytes: number;
  readonly #codecOptions: CodecOptions;
  /** The codecs this side speaks, most preferred first. */
  readonly #codecs: readonly string[];
  readonly #closeGrace: number;
  readonly #decoder: FrameDecoder | JsonDocumentSplitter;
  /** Speaking the origin's wire: no frames, no hello, no error reports. */
  readonly #origin: boolean;
  #codec: Codec | undefined;
  #state: State = 'handshaking';
  #reason: DisconnectReason | undefined;
  #error: OonError | undefined;
  #settleReady!: (error?: OonError) => void;
  #markClosed!: () => void;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #destroyTimer: NodeJS.Timeout | undefined;
  /** Frames decoded and not yet handled, from `#next` on. */
  #frames: Array<[kind: number, payload: Buffer]> = [];
  #next = 0;
  /** A decoding failure, reported once the frames before it are handled. */
  #failure: unknown;
  /** True while frames wait (and the socket is paused): see {@link Connection.#hold}. */
  #holding = false;
  /** The one place that decides whether the socket reads. */
  readonly #gate: ReadGate;
  readonly #watchdog: Watchdog;
  readonly #outbox: Outbox;
  /** The stream's first bytes, kept until a frame is decoded, to name a foreign protocol. */
  #start: StreamStart | undefined;
  #releaseTimer: NodeJS.Immediate | undefined;
  /** Our registry as our hello described it, for comparing the peer's. */
  #schema: RegistrySchema | undefined;
  /** The wire names of the peer's classes, once its hello listed them: `send()` refuses others. */
  #peerClasses: ReadonlySet<string> | undefined;
  readonly #owner: ConnectionOwner;
  readonly #requests: RequestChannel;
  /** Messages for the pull API (`receive()`, `messages()`). */
  readonly inbox: Inbox<object>;

  constructor(socket: Duplex, options: ConnectionOptions = {}, owner?: ConnectionOwner) {
    super();
    this.#socket = socket;
    // The origin's receiver parses each recv() as one message: one write per message there.
    this.#writer = new FrameWriter(socket, (err) => new BadConnError(`sending to ${this.describePeer()} failed: ${err.message}`, { cause: err }), {
      batch: options.protocol !== 'oon-0.0.5',
    });
    this.#owner = owner ?? { role: 'client', hasMessageListeners: () => this.listenerCount('message') > 0 };
    this.inbox = new Inbox<object>({
      what: 'message',
      onFull: () => this.#gate.pause('inbox full'),
      onDrain: () => this.#gate.resume('inbox full'),
    });
    this.#gate = new ReadGate(socket);
    this.#requests = new RequestChannel({
      describePeer: () => this.describePeer(),
      isOpen: () => this.#state === 'open',
      write: (kind, object, prefix, options) => this.#write(kind, object, options ?? {}, prefix),
      writeFrame: (frame) => void this.#writeFrame(frame),
      decode: (payload) => (this.#codec as Codec).decode(payload).object,
      handle: (object) =>
        this.#owner.handleRequest === undefined
          ? Promise.reject(new BadDataError('this side handles no requests'))
          : this.#owner.handleRequest(object),
    });
    this.#registry = options.registry ?? defaultRegistry;
    this.#maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    checkEndpointCodecOptions(options);
    this.#codecOptions = { ...options, registry: this.#registry };
    this.#codecs = options.codec === undefined ? SUPPORTED_CODECS : [options.codec];
    this.#closeGrace = options.closeGrace ?? DEFAULT_CLOSE_GRACE;
    this.#origin = options.protocol === 'oon-0.0.5';
    // Only what the socket holds counts: the writer's batch is at most 256 KiB before it is
    // handed over, and counting it would call a burst of one tick a slow consumer.
    this.#outbox = new Outbox(() => socket.writableLength, options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES);
    this.#start = this.#origin ? undefined : new StreamStart();
    this.#watchdog = new Watchdog(
      {
        partialFrameTimeout: options.partialFrameTimeout ?? DEFAULT_PARTIAL_FRAME_TIMEOUT,
        pingInterval: options.pingInterval ?? DEFAULT_PING_INTERVAL,
        pongTimeout: options.pongTimeout ?? DEFAULT_PONG_TIMEOUT,
      },
      {
        ping: () => this.#writeFrame(encodeFrame(FrameKind.Ping)),
        fail: (error) => this.#fail(error, 'timeout'),
        paused: () => this.#gate.paused,
        describePeer: () => this.describePeer(),
      },
    );
    this.#decoder = this.#origin
      ? new JsonDocumentSplitter({ maxDocumentBytes: this.#maxFrameBytes })
      : new FrameDecoder({ maxFrameBytes: this.#maxFrameBytes });
    this.ready = new Promise<void>((resolve, reject) => {
      this.#settleReady = (error) => {
        this.#settleReady = () => {};
        clearTimeout(this.#handshakeTimer);
        if (error === undefined) resolve();
        else reject(error);
      };
    });
    // The owner awaits `ready`; this keeps a failed handshake from also being an unhandled rejection.
    this.ready.catch(() => {});
    this.closed = new Promise<void>((resolve) => (this.#markClosed = resolve));

    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (err: Error) => this.#onSocketError(err));
    socket.on('close', () => this.#onClose());

    if (this.#origin) {
      // The origin has no handshake: the connection opens with the socket (once the
      // owner holds this object: nothing can arrive before the next I/O turn).
      queueMicrotask(() => this.#open(new JsonCodec({ ...this.#codecOptions, originOnly: true })));
      return;
    }
    const timeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
    this.#handshakeTimer = setTimeout(() => {
      this.#fail(new TimeoutError(`no OON hello from ${this.describePeer()} within ${timeout} ms (handshakeTimeout)`), 'timeout');
    }, timeout);
    if (this.#owner.role === 'client') this.#sendHello((schema) => clientHello(schema, this.#owner.token, this.#codecs));
  }

  /** True once the handshake is done and until the connection starts closing. */
  get open(): boolean {
    return this.#state === 'open';
  }

  /** The peer's address, when the stream is a socket that has one. */
  get remoteAddress(): string | undefined {
    return (this.#socket as { remoteAddress?: string }).remoteAddress;
  }

  /** The peer's port, when the stream is a TCP socket. */
  get remotePort(): number | undefined {
    return (this.#socket as { remotePort?: number }).remotePort;
  }

  /** The peer as `host:port` (or the stream kind), for messages. */
  describePeer(): string {
    const { remoteAddress, remotePort } = this;
    return remoteAddress === undefined ? 'peer' : `${remoteAddress}:${String(remotePort)}`;
  }

  /**
   * Sends one object. Resolves when the frame is handed to the operating system;
   * rejects with `BadConn` when not open, or `BadData` when the object does not fit its
   * schema or the frame would exceed `maxFrameBytes` (nothing is sent then).
   */
  send(object: object, options: NetMessageOptions = {}): Promise<void> {
    return this.#write(FrameKind.Message, object, options);
  }

  /**
   * Sends a request and resolves with the revived reply. Rejects with `Timeout` past
   * `timeout` (default 30 s), with the signal's reason when aborted, with `BadConn` if
   * the connection closes first, and with the peer handler's error (its code and
   * message) when it fails.
   */
  request(object: object, options: RequestOptions = {}): Promise<object> {
    if (this.#origin) {
      return Promise.reject(new BadDataError("the origin's wire (oon 0.0.5) has no requests; use protocol 'oon' for request()"));
    }
    if (this.#state !== 'open') return this.#write(FrameKind.Request, object, options) as Promise<never>;
    return this.#requests.request(object, options);
  }

  /** Encodes one object into a frame of `kind` and writes it, refusing what breaks the limits. */
  #write(kind: FrameKind, object: object, options: NetMessageOptions, prefix?: Uint8Array): Promise<void> {
    if (this.#state !== 'open' || this.#codec === undefined) {
      return Promise.reject(new BadConnError(`cannot send to ${this.describePeer()}: the connection is ${this.#state}`));
    }
    const unknown = refuseUnknownToPeer(this.#peerClasses, this.#registry, object, this.describePeer());
    if (unknown !== undefined) return Promise.reject(unknown);
    let payload: string | Uint8Array;
    try {
      payload = this.#codec.encode(new NetMessage(object, options));
    } catch (err) {
      return Promise.reject(toOonError(err));
    }
    // The origin's wire is the bare JSON text, one message per write.
    const message = this.#origin ? Buffer.from(payload) : undefined;
    const size = message !== undefined ? message.length : FrameWriter.frameLength(payload, prefix);
    if (size > this.#maxFrameBytes) {
      return Promise.reject(
        new BadDataError(
          `message of ${size} bytes is over maxFrameBytes (${this.#maxFrameBytes}); nothing was sent. Raise maxFrameBytes on both sides or send less`,
        ),
      );
    }
    if (!this.#admitWrite(message !== undefined ? message.length : FRAME_LENGTH_BYTES + size)) return Promise.reject(this.#error);
    return message !== undefined ? this.#writer.write(message) : this.#writer.writeFrame(kind, payload, prefix);
  }

  /** Queues a frame no one waits for, through the bounded outbox; false if the peer was evicted as a slow consumer instead. */
  #writeFrame(frame: Buffer): boolean {
    if (!this.#admitWrite(frame.length)) return false;
    this.#writer.push(frame);
    return true;
  }

  /** Whether `bytes` more may wait for the peer; if not, evicts it as a slow consumer. */
  #admitWrite(bytes: number): boolean {
    const refused = this.#outbox.refusal(bytes);
    if (refused > 0) this.#evict(this.#outbox.slowConsumer(this.describePeer(), refused));
    return refused === 0;
  }

  /** Drops a peer that does not read: no Error frame (it would not read it either), the socket is destroyed at once. */
  #evict(error: BadConnError): void {
    if (this.#ending) return;
    this.#state = 'closing';
    this.#reason = 'slow consumer';
    this.#error = error;
    this.emit('error', error);
    this.#socket.destroy();
  }

  /**
   * Closes gracefully: ends the stream (what is queued goes first) and waits for the
   * peer to close, still handling what it sent before it saw the end; destroys the
   * socket after `closeGrace`. Safe to call twice.
   */
  close(): Promise<void> {
    if (this.#state === 'handshaking' || this.#state === 'open') {
      this.#reason ??= 'local close';
      this.#settleReady(new BadConnError(`connection to ${this.describePeer()} was closed before the handshake finished`));
      this.#state = 'closing';
      this.#writer.end();
      this.#scheduleDestroy();
    }
    return this.closed;
  }

  /** True once the connection has begun to close: nothing more is read or reported. */
  get #ending(): boolean {
    return this.#state === 'closing' || this.#state === 'closed';
  }

  /**
   * True while the peer's frames are handled: while open, and after our own `close()`
   * until the socket closes, so what the peer sent before it saw our close still
   * arrives (the in-flight frames `closeGrace` waits for). Not after a fault.
   */
  get #reading(): boolean {
    if (this.#state === 'closing') return this.#reason === 'local close' && this.#codec !== undefined;
    return this.#state !== 'closed';
  }

  #onData(chunk: Buffer): void {
    if (!this.#reading || this.#failure !== undefined) return;
    const before = this.#frames.length;
    this.#start?.add(chunk);
    try {
      this.#decoder.push(chunk, this.#collectFrame);
    } catch (err) {
      this.#failure = this.#diagnose(err);
    }
    const completed = this.#frames.length > before;
    if (completed) this.#start = undefined;
    this.#watchdog.onBytes(this.#decoder.midFrame, completed);
    this.#drain();
  }

  /** A refused stream start is usually another protocol: say which, rather than "frame too long". */
  #diagnose(err: unknown): unknown {
    const diagnosis = this.#start === undefined ? undefined : sniffForeignProtocol(this.#start.bytes);
    if (diagnosis === undefined) return err;
    return new BadDataError(diagnosis, { cause: err });
  }

  /**
   * Handles the frames decoded so far, in order, then any decoding failure. Frames are
   * handled outside the decoder's try, so an exception thrown by a user's 'message'
   * listener is not mistaken for bad data from the peer.
   */
  #drain(): void {
    while (!this.#holding && this.#reading && this.#next < this.#frames.length) {
      const [kind, payload] = this.#frames[this.#next++] as [number, Buffer];
      this.#onFrame(kind, payload);
    }
    if (this.#holding || !this.#reading) return;
    this.#frames = [];
    this.#next = 0;
    if (this.#failure !== undefined) this.#fail(toOonError(this.#failure), 'bad data');
  }

  readonly #collectFrame = (kind: number, payload: Buffer): void => {
    this.#frames.push([kind, payload]);
  };

  #onFrame(kind: number, payload: Buffer): void {
    if (this.#state === 'handshaking') {
      this.#onHello(kind, payload);
      return;
    }
    switch (kind) {
      case FrameKind.Message:
        this.#onMessage(payload);
        return;
      case FrameKind.Request:
        this.#guard(() => this.#requests.onRequest(payload));
        return;
      case FrameKind.Response:
        this.#guard(() => this.#requests.onResponse(payload));
        return;
      case FrameKind.Error:
        this.#onPeerError(payload);
        return;
      case FrameKind.Ping:
        // Not once closing: our side of the stream is ended.
        if (this.#state === 'open') this.#writeFrame(encodeFrame(FrameKind.Pong));
        return;
      case FrameKind.Pong:
        return;
      default:
        this.#fail(new BadDataError(`peer sent a frame of kind ${kind}, which OON protocol v1 does not use here`), 'bad data');
    }
  }

  #onHello(kind: number, payload: Buffer): void {
    if (kind === FrameKind.Error) {
      // The server refusing us, or a client that could not even send its hello.
      this.#onPeerError(payload);
      return;
    }
    if (kind !== FrameKind.Hello) {
      this.#fail(new BadDataError(`peer's first frame is of kind ${kind}, not hello; is the peer speaking OON?`), 'bad data');
      return;
    }
    let hello: Hello;
    let codec: string;
    try {
      hello = parseHello(payload);
      codec = this.#owner.role === 'client' ? acceptedCodec(hello, this.#codecs) : agreeCodec(hello.codecs, this.#codecs);
    } catch (err) {
      this.#fail(toOonError(err), 'bad data');
      return;
    }
    if (this.#owner.role === 'server') {
      void this.#admit(hello, codec);
      return;
    }
    const mismatch = this.#checkPeerSchema(hello);
    if (mismatch !== undefined) this.#fail(mismatch, 'bad data');
    else this.#open(this.#createCodec(codec));
  }

  /** Server side: lets the owner admit the client (frames behind the hello wait), then answers with our hello. */
  async #admit(hello: Hello, codec: string): Promise<void> {
    this.#hold();
    try {
      await this.#owner.admit?.(hello);
    } catch (err) {
      this.#fail(toOonError(err), 'refused');
      return;
    }
    if (this.#ending) return;
    // Our hello goes out even when the schemas disagree, so the client can word the
    // differences from its own side; the Error frame follows it.
    if (!this.#sendHello((schema) => serverHello(codec, schema, this.#codecs))) return;
    const mismatch = this.#checkPeerSchema(hello);
    if (mismatch !== undefined) {
      this.#fail(mismatch, 'bad data');
      return;
    }
    this.#open(this.#createCodec(codec));
    this.#release();
  }

  /** Describes our registry and writes our hello; on failure (a type thunk threw, the hello is too big) fails the connection. */
  #sendHello(make: (schema: RegistrySchema) => Hello): boolean {
    try {
      this.#schema = describeRegistry(this.#registry);
      this.#writer.push(encodeHello(make(this.#schema), this.#maxFrameBytes));
      return true;
    } catch (err) {
      this.#fail(toOonError(err), 'bad data');
      return false;
    }
  }

  /** Compares the peer's schema with ours: a `BadData` listing the differences, if any. */
  #checkPeerSchema(hello: Hello): OonError | undefined {
    if (hello.schema === undefined || this.#schema === undefined) return undefined;
    // An equal hash means the peer knows every class we do: nothing to refuse on send.
    if (hello.schema.hash !== this.#schema.hash) this.#peerClasses = new Set(hello.schema.classes.map((c) => c.name));
    return checkSchemas(this.#schema, hello.schema);
  }

  #open(codec: Codec): void {
    if (this.#ending) return;
    this.#codec = codec;
    this.#state = 'open';
    this.#start = undefined;
    if (!this.#origin) this.#watchdog.startHeartbeat();
    this.#owner.onOpen?.();
    this.#settleReady();
    if (this.#owner.role === 'client' && this.#frames.length > this.#next) {
      // connect() resolves on `ready`, and its caller attaches listeners when it resumes,
      // a few microtasks from now: frames that came with the server's hello wait a turn.
      this.#hold();
      this.#releaseTimer = setImmediate(() => this.#release());
    }
  }

  /** Stops handling frames (and reading, so order is kept) until {@link Connection.#release}. */
  #hold(): void {
    this.#holding = true;
    this.#gate.pause('holding frames');
  }

  #release(): void {
    this.#releaseTimer = undefined;
    if (this.#ending) return;
    this.#holding = false;
    this.#gate.resume('holding frames');
    this.#drain();
  }

  #createCodec(name: string): Codec {
    return name === 'json' ? new JsonCodec(this.#codecOptions) : new BinaryCodec(this.#codecOptions);
  }

  #onMessage(payload: Buffer): void {
    let message: NetMessage;
    try {
      message = (this.#codec as Codec).decode(payload);
    } catch (err) {
      this.#fail(toOonError(err), 'bad data');
      return;
    }
    this.emit('message', message.object, message);
    if (this.inbox.hasWaiters || !this.#owner.hasMessageListeners()) this.inbox.push(message.object);
  }

  /** Runs a frame handler that throws `BadData` on malformed frames, dropping the connection if it does. */
  #guard(handle: () => void): void {
    try {
      handle();
    } catch (err) {
      this.#fail(toOonError(err), 'bad data');
    }
  }

  #onPeerError(payload: Buffer): void {
    const report = readErrorReport(payload);
    this.#fail(createOonError(report.code, `${this.describePeer()} dropped the connection: ${report.message}`), 'rejected by peer', false);
  }

  /** Drops the connection for a fault: reports it (to the owner and, unless it came from them, the peer) and closes. */
  #fail(error: OonError, reason: DisconnectReason, tellPeer = true): void {
    if (this.#ending) return;
    const wasOpen = this.#state === 'open';
    this.#state = 'closing';
    this.#reason = reason;
    this.#error = error;
    this.#settleReady(error);
    if (wasOpen) this.emit('error', error);
    this.#writer.end(tellPeer && !this.#origin ? errorFrame(error.code, error.message) : undefined);
    // A socket held paused (a server failing a hello it was admitting) must read, and
    // drop, what the peer still sends, or it never sees the peer's FIN and waits closeGrace.
    this.#socket.resume();
    this.#scheduleDestroy();
  }

  #scheduleDestroy(): void {
    this.#destroyTimer ??= setTimeout(() => this.#socket.destroy(), this.#closeGrace);
  }

  #onEnd(): void {
    this.#reason ??= 'remote close';
    if (this.#state === 'handshaking') {
      this.#settleReady(new BadConnError(`${this.describePeer()} closed the connection during the handshake`));
    }
    if (this.#state !== 'closed') this.#state = 'closing';
    this.#writer.end();
  }

  #onSocketError(err: Error): void {
    this.#reason ??= 'connection error';
    this.#error ??= new BadConnError(`connection to ${this.describePeer()} failed: ${err.message}`, { cause: err });
    this.#settleReady(this.#error);
  }

  #onClose(): void {
    clearTimeout(this.#handshakeTimer);
    clearTimeout(this.#destroyTimer);
    clearImmediate(this.#releaseTimer);
    this.#watchdog.stop();
    // Frames never handled (the peer was dropped mid-chunk) hold views of received chunks.
    this.#frames = [];
    this.#next = 0;
    this.#state = 'closed';
    const reason = this.#reason ?? 'remote close';
    this.#settleReady(this.#error ?? new BadConnError(`${this.describePeer()} closed the connection during the handshake`));
    if (reason === 'local close' || reason === 'remote close') this.inbox.finish();
    else this.inbox.end(this.#error);
    this.#requests.close(this.describePeer());
    this.#markClosed();
    this.emit('close', reason, this.#error);
  }
}

/** Passes `OonError`s through and wraps anything else as `BadData` (codecs only throw on data). */
function toOonError(err: unknown): OonError {
  if (err instanceof OonError) return err;
  return new BadDataError(`unexpected failure while handling data: ${String(err)}`, { cause: err });
}
