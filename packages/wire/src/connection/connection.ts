import { EventEmitter } from 'eventemitter3';
import { BadDataError, TimeoutError, type NetMessage, type NetMessageOptions } from '@oon/core';
import type { FrameCodec } from '../codec/codec';
import { BinaryCodec } from '../codec/binary/binary-codec';
import { FrameKind } from '../framing/constants';
import { FrameDecoder } from '../framing/frame-decoder';
import { encodeFrame } from '../framing/frame-encoder';
import type { PayloadKey, SharedMessage } from '../codec/shared-message';
import type { SessionBinding } from '../session/session';
import { SessionCarrier } from '../session/session-carrier';
import { HandshakeDriver } from '../handshake/handshake-driver';
import type { ClassNumbers } from '../codec/codec-options';
import {
  resolveConnectionOptions,
  type ConnectionEvents,
  type ConnectionOptions,
  type ConnectionOwner,
  type ResolvedConnectionOptions,
} from './connection-options';
import { requireJsonWire } from '../codec/codec-choice';
import type { RegistrySchema } from '../schema/registry-schema';
import type { SchemaProblems } from '../schema/schema-agreement';
import { Inbox } from './inbox';
import { errorFrame, toOonError } from '../rpc/error-report';
import { readMessage } from './message-rejection';
import { FrameRouter } from './frame-router';
import { MessageIds } from './message-ids';
import { RequestChannel } from '../rpc/request-channel';
import type { RequestOptions } from '../rpc/requests';
import { ReadGate } from './read-gate';
import { Watchdog } from './watchdog';
import { LinkOutput } from './link-output';
import { FrameQueue } from '../framing/frame-queue';
import { rejectedQuietly, settle, type SendOutcome } from './send-outcome';
import type { Transport, TransportKind } from '../transport/transport';
import { afterIo } from '../platform/ticks';
import { Lifecycle } from './lifecycle';

/**
 * A framed, codec-aware connection over any {@link Transport} (a TCP, TLS or Unix socket,
 * a WebSocket): what both `OonServer` peers and `OonClient` are built on.
 *
 * The client sends its `hello` at once; the server admits it (or refuses, saying why in
 * an Error frame) and answers with its own; `ready` settles then. A whole message of the
 * peer's that cannot be read (an unknown class, a value of the wrong type, a failed
 * constraint) fails that message only: it is dropped, `'error'` reports it, and the peer
 * is told (a Rejected frame, or the error reply to a request). A stream that cannot be
 * read (a bad frame, a seq out of step) drops this connection only: it emits `'error'`
 * with a `BadData` `OonError`, tells the peer why in an Error frame, and closes.
 */
export class Connection extends EventEmitter<ConnectionEvents> {
  /** Settles when the handshake is done: rejects with an `OonError` if it fails. */
  readonly ready: Promise<void>;
  /** Resolves once the socket is closed. */
  readonly closed: Promise<void>;
  /** Its state, why it ended, and how it goes away. */
  readonly #life: Lifecycle;

  readonly #transport: Transport;
  /** Every frame goes out through it, in order, admitted by the bound on what is held for the peer. */
  readonly #output: LinkOutput;
  readonly #options: ResolvedConnectionOptions;
  readonly #inbound: FrameQueue;
  /** Hands each frame to the part that handles it; holds the agreed codec once open. */
  readonly #router: FrameRouter;
  /** Which links write the same payload for a message as this one (set with the codec). */
  #payloadKey: PayloadKey = '';
  /** The peer as `host:port`, once known. */
  #peerName: string | undefined;
  /** The one place that decides whether the socket reads. */
  readonly #gate: ReadGate;
  readonly #watchdog: Watchdog;
  /** Cancels the release of held frames scheduled after the handshake, while it waits. */
  #cancelRelease: (() => void) | undefined;
  readonly #handshake: HandshakeDriver;
  readonly #owner: ConnectionOwner;
  /** Hands a revived message to the owner, or to this connection's `'message'` listeners; true if one heard it. */
  readonly #relay: (object: object, message: NetMessage) => boolean;
  readonly #requests: RequestChannel;
  readonly #ownInbox: Inbox<object>;
  /** Where messages go for `receive()`: the session's inbox once one is attached (it outlives the link), else the link's own. */
  #inbox: Inbox<object>;
  /** The resumable session, if the handshake agreed on one. */
  readonly #sessions: SessionCarrier;
  /** Ids for the peer's messages that come without one. */
  readonly #ids = new MessageIds();

  constructor(transport: Transport, options: ConnectionOptions = {}, owner?: ConnectionOwner) {
    super();
    this.#transport = transport;
    // Named now, while the transport knows its peer: a closed socket forgets its address.
    this.describePeer();
    this.#owner = owner ?? { role: 'client' };
    this.#relay = this.#owner.onMessage ?? ((object, message) => this.emit('message', object, message));
    this.#ownInbox = new Inbox<object>({
      what: 'message',
      onFull: () => this.#gate.pause('inbox full'),
      onDrain: () => this.#gate.resume('inbox full'),
    });
    this.#inbox = this.#ownInbox;
    this.#gate = new ReadGate(transport);
    const resolved = resolveConnectionOptions(options);
    this.#options = resolved;
    this.#life = new Lifecycle(
      {
        describePeer: () => this.describePeer(),
        reportError: (error) => this.emit('error', error),
        endStream: (error) => this.#output.writer.end(error === undefined || resolved.origin ? undefined : errorFrame(error.code, error.message)),
        resumeTransport: () => transport.resume(),
        destroyTransport: () => transport.destroy(),
      },
      resolved.closeGrace,
    );
    this.ready = this.#life.ready;
    this.closed = this.#life.closed;
    this.#requests = new RequestChannel(
      {
        describePeer: () => this.describePeer(),
        isOpen: () => this.#life.state === 'open',
        offer: (kind, object, prefix, options) => this.#output.offer(kind, object, options ?? {}, prefix),
        encode: (object, prefix, options) => this.#output.encode(FrameKind.Request, object, options ?? {}, prefix),
        writeEncoded: (frame) => this.#output.writeAndWait(frame),
        writeFrame: (frame) => void this.#output.writeFrame(frame),
        refused: (error) => this.emit('error', error),
        maxFrameBytes: resolved.maxFrameBytes,
        read: (buf, start, end) => this.#ids.nameRead(readMessage(this.#router.codec as FrameCodec, buf, start, end), 0),
        dropped: (error) => this.emit('error', error),
        handle: (object, signal) => {
          if (this.#owner.handleRequest === undefined) throw new BadDataError('this side handles no requests');
          return this.#owner.handleRequest(object, signal);
        },
      },
      resolved.maxRequestsInFlight,
    );
    this.#watchdog = new Watchdog(resolved.watchdog, {
      ping: () => this.#output.writeFrame(encodeFrame(FrameKind.Ping), true),
      keepAlive: () => this.#output.writeFrame(encodeFrame(FrameKind.Pong), true),
      fail: (error) => this.#life.fail(error, 'timeout'),
      paused: () => this.#gate.paused,
      describePeer: () => this.describePeer(),
    });
    this.#handshake = new HandshakeDriver({
      owner: this.#owner,
      registry: resolved.registry,
      codecs: resolved.codecs,
      maxFrameBytes: resolved.maxFrameBytes,
      maxRequestsInFlight: resolved.maxRequestsInFlight,
      schemaPolicy: resolved.schemaPolicy,
      describePeer: () => this.describePeer(),
      writeHandshake: (frame) => this.#output.writer.push(frame),
      onPeerError: (payload) => this.#router.onPeerError(payload),
      fail: (error, reason) => this.#life.fail(error, reason),
      ending: () => this.#life.ending,
      hold: () => this.#inbound.hold(),
      release: () => this.#release(),
      open: (codec, binding, peerSchema, classNumbers) => this.#open(this.#createCodec(codec, peerSchema, classNumbers), binding),
    });
    // The session's messages are held against the outbox's bound when sent, not when
    // written (a resend adds nothing); its full inbox stops reading through the read gate.
    this.#sessions = new SessionCarrier({
      describePeer: () => this.describePeer(),
      writeMessagesLater: (source) => this.#output.writeLaterWhenOpen(source),
      pullMessages: () => this.#output.writer.pullNow(),
      writeControl: (frame) => void this.#output.writeFrame(frame, true),
      admit: (bytes) => this.#output.admit(bytes),
      refuseUnknown: (object) => this.#handshake.refuseUnknown(object),
      pause: () => this.#gate.pause('inbox full'),
      resume: () => this.#gate.resume('inbox full'),
      fail: (error) => this.#life.fail(error, 'bad data'),
    });
    const { origin, maxFrameBytes, maxPendingBytes } = resolved;
    this.#router = new FrameRouter({ handshake: this.#handshake, requests: this.#requests, sessions: this.#sessions, ids: this.#ids }, origin, {
      state: () => this.#life.state,
      describePeer: () => this.describePeer(),
      fail: (error, reason, tellPeer) => this.#life.fail(error, reason, tellPeer),
      writeFrame: (frame, control) => void this.#output.writeFrame(frame, control),
      deliver: (message) => this.#deliver(message),
      dropped: (error) => this.emit('error', error),
      rejected: (rejection) => this.emit('rejected', rejection),
    });
    this.#output = new LinkOutput(transport, { maxFrameBytes, maxPendingBytes, origin }, this.#sessions, {
      describePeer: () => this.describePeer(),
      state: () => this.#life.state,
      refuseUnknown: (object) => this.#handshake.refuseUnknown(object),
      evictedWith: () => (this.#life.reason === 'slow consumer' ? this.#life.error : undefined),
      evict: (error) => this.#life.evict(error),
    });
    const decoder = origin ? requireJsonWire("protocol 'oon-0.0.5'").splitter(maxFrameBytes) : new FrameDecoder({ maxFrameBytes });
    this.#inbound = new FrameQueue(decoder, !origin, this.#router, {
      reading: () => this.#reading,
      onFailure: (error) => this.#life.fail(toOonError(error), 'bad data'),
      onBytes: (midFrame, completed) => this.#watchdog.onBytes(midFrame, completed),
      pause: () => this.#gate.pause('holding frames'),
      resume: () => this.#gate.resume('holding frames'),
    });

    transport.open({
      data: (chunk) => this.#inbound.push(chunk),
      unreadable: (message) => this.#inbound.fail(new BadDataError(`${this.describePeer()} ${message}`)),
      end: () => this.#life.onEnd(),
      error: (err) => this.#life.onTransportError(err),
      close: () => this.#onClose(),
    });

    if (origin) {
      // The origin has no handshake: the connection opens with the socket (once the
      // owner holds this object: nothing can arrive before the next I/O turn).
      this.#payloadKey = 'oon-0.0.5';
      queueMicrotask(() => this.#open(requireJsonWire("protocol 'oon-0.0.5'").codec({ ...resolved.codecOptions, originOnly: true })));
      return;
    }
    const timeout = resolved.handshakeTimeout;
    this.#life.handshakeDeadline(timeout, () => new TimeoutError(`no OON hello from ${this.describePeer()} within ${timeout} ms (handshakeTimeout)`));
    this.#handshake.start();
  }

  /** Messages for the pull API (`receive()`, `messages()`): the session's, which outlive this connection, if there is one. */
  get inbox(): Inbox<object> {
    return this.#inbox;
  }

  /** True when the peer closed on purpose (a Close frame): its session is over, not to be resumed. */
  get peerClosedSession(): boolean {
    return this.#sessions.peerClosed;
  }

  /**
   * What cannot travel between the two sides' schemas, per class and direction, once the
   * handshake is done: `undefined` when the peer's schema is this side's (or it sent
   * none); each problem names the class, field and rule (docs/evolution.md).
   */
  get schemaProblems(): SchemaProblems | undefined {
    return this.#handshake.schemaProblems;
  }

  /** True once the handshake is done and until the connection starts closing. */
  get open(): boolean {
    return this.#life.state === 'open';
  }

  /** What carries this link: a Node socket or a WebSocket. */
  get transportKind(): TransportKind {
    return this.#transport.kind;
  }

  /** The peer's address, when the transport knows it. */
  get remoteAddress(): string | undefined {
    return this.#transport.remoteAddress;
  }

  /** The peer's port, when the transport knows it. */
  get remotePort(): number | undefined {
    return this.#transport.remotePort;
  }

  /** The peer as `host:port` (or the stream kind), for messages. */
  describePeer(): string {
    if (this.#peerName !== undefined) return this.#peerName;
    const { remoteAddress, remotePort } = this;
    if (remoteAddress === undefined) return 'peer';
    this.#peerName = `${remoteAddress}:${String(remotePort)}`;
    return this.#peerName;
  }

  /**
   * Sends one object. Resolves when the frame is handed to the operating system;
   * rejects with `BadConn` when not open or when the peer is evicted as a slow consumer
   * (what is held for it would pass `maxPendingBytes`), or `BadData` when the object does
   * not fit its schema or the frame would exceed `maxFrameBytes` (nothing is sent then).
   * The promise is marked handled: dropping it cannot end the process.
   */
  send(object: object, options: NetMessageOptions = {}): Promise<void> {
    return settle(this.offer(object, options));
  }

  /** {@link Connection.send}, with a refusal returned rather than rejected: what `broadcast()` counts. */
  offer(object: object, options: NetMessageOptions = {}): SendOutcome {
    // With a session, sending goes on after this link drops: the session holds it for the next.
    const { session } = this.#sessions;
    if (session !== undefined) return session.offer(object, options);
    return this.#output.offer(FrameKind.Message, object, options);
  }

  /**
   * {@link Connection.offer} of a message sent to many peers: the payload encoded once for
   * every link of this one's codec is shared, and only the frame around it (with a
   * session, its seq) is written for this peer.
   */
  offerShared(shared: SharedMessage): SendOutcome {
    const { session } = this.#sessions;
    if (session !== undefined) return session.offerShared(shared);
    return this.#output.offerShared(shared, this.#payloadKey);
  }

  /** True once the peer was evicted as a slow consumer. */
  get evicted(): boolean {
    return this.#life.reason === 'slow consumer';
  }

  /**
   * Sends a request and resolves with the revived reply. Rejects with `Timeout` past
   * `timeout` (default 30 s), with the signal's reason when aborted, with `BadConn` if
   * the connection closes first, and with the peer handler's error (its code and
   * message) when it fails. Past the `maxRequestsInFlight` the peer's hello announced,
   * it waits in a queue (first in, first out) for a reply to free a slot.
   */
  request(object: object, options: RequestOptions = {}): Promise<object> {
    if (this.#options.origin) {
      return Promise.reject(new BadDataError("the origin's wire (oon 0.0.5) has no requests; use protocol 'oon' for request()"));
    }
    if (this.#life.state !== 'open') return rejectedQuietly(this.#output.notOpen());
    return this.#requests.request(object, options);
  }

  /**
   * Closes gracefully: ends the stream (what is queued goes first) and waits for the
   * peer to close, still handling what it sent before it saw the end; destroys the
   * socket after `closeGrace`. Safe to call twice. With a session, `farewell` (the
   * default) tells the peer the session is over (a Close frame); without it the peer may resume.
   */
  close(farewell = true): Promise<void> {
    return this.#life.close(() => {
      if (farewell) this.#sessions.farewell();
    });
  }

  /**
   * True while the peer's frames are handled: while open, and after our own `close()`
   * until the socket closes, so what the peer sent before it saw our close still
   * arrives (the in-flight frames `closeGrace` waits for). Not after a fault.
   */
  get #reading(): boolean {
    const { state } = this.#life;
    if (state === 'closing') return this.#life.reason === 'local close' && this.#router.codec !== undefined;
    return state !== 'closed';
  }

  #open(codec: FrameCodec, binding?: SessionBinding): void {
    if (this.#life.ending) return;
    this.#router.codec = codec;
    // Before the owner hears of the link: a request it makes at once already respects the peer's bound.
    this.#requests.setPeerLimit(this.#handshake.peerMaxRequestsInFlight);
    this.#output.open(codec);
    this.#life.open();
    this.#inbound.forgetStart();
    if (binding !== undefined) {
      // Attached before the owner hears of the link, so what it sends at once is sequenced.
      try {
        this.#sessions.attach(binding, codec, this.#options.maxFrameBytes, this.#payloadKey);
        this.#inbox = binding.session.inbox;
        this.#ids.inSession(binding.session.id);
      } catch (err) {
        this.#life.fail(toOonError(err), 'bad data');
        return;
      }
    }
    if (!this.#options.origin) this.#watchdog.startHeartbeat();
    this.#owner.onOpen?.();
    this.#life.opened();
    if (this.#owner.role === 'client' && this.#inbound.pending) {
      // connect() resolves on `ready`, and its caller attaches listeners when it resumes,
      // a few microtasks from now: frames that came with the server's hello wait a turn.
      this.#inbound.hold(); // and reading, so order is kept
      this.#cancelRelease = afterIo(() => this.#release());
    }
  }

  #release(): void {
    this.#cancelRelease = undefined;
    if (this.#life.ending) return;
    this.#inbound.release();
  }

  /** The agreed codec, reading and writing by the peer's schema when it differs from ours, and by class numbers when both hellos gave them. */
  #createCodec(name: string, peerSchema: RegistrySchema | undefined, classNumbers: ClassNumbers | undefined): FrameCodec {
    // Both always set here: what an endpoint's options say of them is never the link's.
    const options = { ...this.#options.codecOptions, peerSchema, classNumbers };
    const codec = name === 'json' ? requireJsonWire("codec 'json'").codec(options) : new BinaryCodec(options);
    // Links of one owner share its codec options: only a peer schema of its own makes the
    // bytes differ, and our class numbers (how many our hello gave: later classes go by definition).
    this.#payloadKey = peerSchema !== undefined ? codec : classNumbers === undefined ? name : `${name}/${classNumbers.own.length}`;
    return codec;
  }

  /** A revived message: to the owner (or `'message'` listeners), and to the pull API's inbox when someone waits or no one listens. */
  #deliver(message: NetMessage): void {
    // Run for every message: kept to few bytecodes, so V8 inlines it where frames are read.
    if (!this.#relay(message.object, message) || this.#inbox.hasWaiters) this.#inbox.push(message.object);
  }

  #onClose(): void {
    const reason = this.#life.onClose();
    const error = this.#life.error;
    this.#cancelRelease?.();
    this.#watchdog.stop();
    this.#inbound.clear();
    this.#sessions.detach();
    // A session's inbox outlives the link: its owner ends it with the session.
    if (this.#sessions.session === undefined) {
      if (reason === 'local close' || reason === 'remote close') this.#ownInbox.finish();
      else this.#ownInbox.end(error);
    }
    this.#requests.close(this.describePeer());
    this.#life.markClosed();
    this.emit('close', reason, error);
  }
}

