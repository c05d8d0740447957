import { BadConnError, OonError, type NetMessageOptions } from '@oon/core';
import { Message } from '../codec/message-class';
import { KnownClass } from './known-class';
import type { FrameCodec } from '../codec/codec';
import { isRefusal, type PayloadKey, type SharedMessage } from '../codec/shared-message';
import { FrameKind } from '../framing/constants';
import { FrameWriter, type RunSource } from '../framing/frame-writer';
import { encodeMessageFrame, writeMessage, writePayload, type MessageOut } from '../framing/message-frame';
import type { Transport } from '../transport/transport';
import { Outbox, type HeldSession } from './outbox';
import { rejectedQuietly, settle, type SendOutcome } from './send-outcome';

/** What a {@link LinkOutput} asks of its connection. */
export interface LinkOutputHooks {
  describePeer(): string;
  /** The connection's state: only `'open'` sends. */
  state(): string;
  /** Why the peer cannot read this object's class (its hello did not list it), if so. */
  refuseUnknown(object: object): OonError | undefined;
  /** The error the peer was evicted with, once it was. */
  evictedWith(): OonError | undefined;
  /** Drops the peer as a slow consumer. */
  evict(error: BadConnError): void;
}

/** The limits a {@link LinkOutput} writes within. */
export interface LinkOutputOptions {
  readonly maxFrameBytes: number;
  readonly maxPendingBytes: number;
  /** The origin's wire: one write per message, no frame. */
  readonly origin: boolean;
}

/**
 * A connection's write side: every frame goes out through its one `FrameWriter`, in
 * order, and every frame held for the peer is admitted by its `Outbox`
 * (`maxPendingBytes`), which evicts a peer that does not read. Messages are written
 * once the codec is agreed ({@link LinkOutput.open}); control frames at any time.
 */
export class LinkOutput {
  /** Every frame goes out through it, in order: it joins the frames of a tick into one write. */
  readonly writer: FrameWriter;
  readonly #outbox: Outbox;
  readonly #options: LinkOutputOptions;
  readonly #hooks: LinkOutputHooks;
  /** How messages are written, once the codec is agreed. */
  #out: MessageOut | undefined;
  /** The peer's class check, skipped for the class last sent. */
  readonly #classes: KnownClass<OonError>;

  /** `session`: what a session holds for the peer, counted by the outbox with what the transport holds. */
  constructor(transport: Transport, options: LinkOutputOptions, session: HeldSession, hooks: LinkOutputHooks) {
    this.#options = options;
    this.#hooks = hooks;
    this.#classes = new KnownClass(hooks);
    // The origin's receiver parses each recv() as one message: one write per message there.
    this.writer = new FrameWriter(transport, (err) => new BadConnError(`sending to ${hooks.describePeer()} failed: ${err.message}`, { cause: err }), {
      batch: !options.origin,
    });
    // Only what the transport holds counts: the writer's batch is at most 256 KiB before it
    // is handed over, and counting it would call a burst of one tick a slow consumer.
    this.#outbox = new Outbox(() => this.writer.socketPendingBytes, options.maxPendingBytes, session);
  }

  /** The codec is agreed: messages may be written. */
  open(codec: FrameCodec): void {
    const { maxFrameBytes, origin } = this.#options;
    this.#out = { writer: this.writer, codec, maxFrameBytes, origin, admit: (bytes) => this.admit(bytes) };
  }

  /** Encodes one object into a frame of `kind` and writes it, refusing what breaks the limits. */
  send(kind: FrameKind, object: object, options: NetMessageOptions, prefix?: Uint8Array): Promise<void> {
    return settle(this.offer(kind, object, options, prefix));
  }

  /** {@link LinkOutput.send}, with a refusal returned rather than rejected. */
  offer(kind: FrameKind, object: object, options: NetMessageOptions, prefix?: Uint8Array): SendOutcome {
    const refused = this.cannotSend(object);
    if (refused !== undefined) return refused;
    const outcome = writeMessage(this.#out as MessageOut, kind, new Message(object, options), prefix);
    if (!(outcome instanceof OonError)) this.#classes.sent(object);
    return outcome;
  }

  /** Writes a message sent to many peers as a Message frame around its payload for `key`'s codec, encoded once and shared. */
  offerShared(shared: SharedMessage, key: PayloadKey): SendOutcome {
    const refused = this.cannotSend(shared.message.object);
    if (refused !== undefined) return refused;
    const out = this.#out as MessageOut;
    const payload = shared.payloadFor(key, out.codec);
    if (isRefusal(payload)) return payload;
    this.#classes.sent(shared.message.object);
    return writePayload(out, FrameKind.Message, payload);
  }

  /**
   * Encodes one object into a whole frame of `kind` behind `prefix`, to be written later
   * (a request that may wait for the peer's bound); throws `BadConn` when not open,
   * `BadData` when the object breaks its schema, the peer does not know its class, or the
   * frame would exceed `maxFrameBytes`.
   */
  encode(kind: FrameKind, object: object, options: NetMessageOptions, prefix?: Uint8Array): Uint8Array {
    const refused = this.cannotSend(object);
    if (refused !== undefined) throw refused;
    const { codec } = this.#out as MessageOut;
    const frame = encodeMessageFrame(codec, kind, new Message(object, options), this.#options.maxFrameBytes, prefix);
    this.#classes.sent(object);
    return frame;
  }

  /** Why `object` cannot be sent now (the connection is not open, or the peer's hello did not list its class); `undefined` if it can. */
  cannotSend(object: object): OonError | undefined {
    if (this.#hooks.state() !== 'open' || this.#out === undefined) return this.notOpen();
    return this.#classes.refusal(object);
  }

  /** The error of a send made while the connection is not open. */
  notOpen(): BadConnError {
    return new BadConnError(`cannot send to ${this.#hooks.describePeer()}: the connection is ${this.#hooks.state()}`);
  }

  /** Writes a whole frame (a queued request's) through the outbox; resolves when handed to the OS, rejects if it failed or the peer was evicted. */
  writeAndWait(frame: Uint8Array): Promise<void> {
    if (this.#hooks.state() !== 'open') return rejectedQuietly(this.notOpen());
    const refused = this.admit(frame.length);
    return refused === undefined ? this.writer.write(frame) : rejectedQuietly(refused);
  }

  /**
   * A session's log has frames for the peer, counted when they were sent: the writer
   * pulls them from `source` where they lie ({@link FrameWriter.writeLater}); rejects
   * when not open (the session keeps them to resend).
   */
  writeLaterWhenOpen(source: RunSource): Promise<void> {
    // Acks read while closing admit waiting messages; our side of the stream is ended (the session resends them).
    if (this.#hooks.state() !== 'open') return rejectedQuietly(this.notOpen());
    return this.writer.writeLater(source);
  }

  /** Queues a frame no one waits for, through the bounded outbox; false if the peer was evicted as a slow consumer instead. */
  writeFrame(frame: Uint8Array, control = false): boolean {
    if (this.admit(frame.length, control) !== undefined) return false;
    this.writer.push(frame);
    return true;
  }

  /**
   * Whether `bytes` more may be held for the peer (a control frame may pass the bound by
   * a little); if not, evicts it as a slow consumer and returns why. A connection already
   * closing for another reason refuses the frame without evicting.
   */
  admit(bytes: number, control = false): OonError | undefined {
    const outbox = this.#outbox;
    const batch = this.writer.batch;
    // Credit is found only while not evicted: an eviction is a refusal, which drops it.
    if (outbox.credited(bytes, batch)) return undefined;
    const evicted = this.#hooks.evictedWith();
    if (evicted !== undefined) return evicted;
    const held = outbox.refusal(bytes, control, batch);
    if (held === 0) return undefined;
    const error = outbox.slowConsumer(this.#hooks.describePeer(), held);
    this.#hooks.evict(error);
    return error;
  }
}
