import { BadConnError, BadDataError, createOonError, OonError, type NetMessage, type NetMessageOptions } from '@oon/core';
import { FRAME_LENGTH_BYTES, FrameKind } from '../framing/constants';
import { encodeFrame } from '../framing/frame-encoder';
import { appFailureOf, errorReport, readErrorReport, toOonError, type AppFailure } from './error-report';
import { describeHead, droppedMessage, rejectedFrame, Unreadable } from '../connection/message-rejection';
import { PendingRequests, type RequestOptions } from './requests';
import { RequestWindow } from './request-window';
import { nameOfRequest } from './request-name';
import { allocBytes, readU32BE, writeU32BE } from '../platform/bytes';
import type { SendOutcome } from '../connection/send-outcome';

/**
 * Request and response frames put a correlation id between the kind and the payload:
 *
 * ```
 * request:  [u32 BE length][u8 kind = 3][u32 BE id][message payload]
 * response: [u32 BE length][u8 kind = 4][u32 BE id][u8 status][body]
 * ```
 *
 * A response's status is 0 with the reply as body (a message payload, in the agreed
 * codec), or 1 with an error report as body (`{"code", "message"}` JSON, with a
 * handler's `appCode` and `details` when it gave them).
 */
const ID_BYTES = 4;
/** What the window keeps for a request written at once: nothing (only a queued one keeps its frame). */
const NO_FRAME = new Uint8Array(0);
const RESPONSE_OK = 0;
const RESPONSE_ERROR = 1;

/** What a {@link RequestChannel} needs from its connection. */
export interface RequestChannelIo {
  describePeer(): string;
  isOpen(): boolean;
  /** Largest frame sent: an error reply is kept within it. */
  readonly maxFrameBytes: number;
  /**
   * Encodes an object into a frame of `kind` behind `prefix` and writes it, with the
   * connection's limits: the write's promise, or at once the error that refused it
   * (`BadData` for what breaks the schema or `maxFrameBytes`, `BadConn` when not open).
   */
  offer(kind: FrameKind, object: object, prefix: Uint8Array, options?: NetMessageOptions): SendOutcome;
  /** Encodes an object into a whole Request frame behind `prefix`; throws `BadData` if it breaks the schema or `maxFrameBytes`, `BadConn` when not open. */
  encode(object: object, prefix: Uint8Array, options?: NetMessageOptions): Uint8Array;
  /** Writes a frame {@link RequestChannelIo.encode} made, through the connection's limits. */
  writeEncoded(frame: Uint8Array): Promise<void>;
  /** Writes a frame as it is. */
  writeFrame(frame: Uint8Array): void;
  /** Decodes the message payload `buf[start, end)` where it lies, or says why it cannot be read. */
  read(buf: Uint8Array, start: number, end: number): NetMessage | Unreadable;
  /** A request of the peer's could not be read: it was answered with the error, the connection goes on. */
  dropped(error: BadDataError): void;
  /** The owner's answer to a request: the reply, or a promise of it; throws (or rejects with) why not. */
  handle(object: object, signal: AbortSignal): object | Promise<object>;
  /** The peer ignores our `maxRequestsInFlight`: said once per connection, so a flood of refusals is one report. */
  refused(error: BadConnError): void;
}

/**
 * Requests and responses over one connection: both the calls this side makes and the
 * answers it gives, each side of it bounded by `maxRequestsInFlight` (docs/limits.md).
 */
export class RequestChannel {
  readonly #io: RequestChannelIo;
  /** Our requests against the peer's bound: those past it wait here, as their encoded frames. */
  readonly #window = new RequestWindow<Uint8Array>();
  readonly #pending = new PendingRequests({
    // A request the peer has not answered keeps its id, so a late reply is never taken for a new request's.
    taken: (id) => this.#window.has(id),
    settled: (id) => this.#window.forget(id),
  });
  /** Our bound on the peer's requests whose handlers run at once. */
  readonly #maxHandling: number;
  #handling = 0;
  /** Whether the peer was reported for ignoring our bound (once per connection). */
  #reportedRefusal = false;
  /** Aborted when the connection closes: a handler still running can stop, its reply has nowhere to go. */
  readonly #closing = new AbortController();

  /** `maxRequestsInFlight`: how many of the peer's requests this side handles at once. */
  constructor(io: RequestChannelIo, maxRequestsInFlight: number) {
    this.#io = io;
    this.#maxHandling = maxRequestsInFlight;
  }

  /** Sets the peer's bound on our requests, from its hello; `undefined` when it announced none. */
  setPeerLimit(limit: number | undefined): void {
    this.#window.setLimit(limit);
  }

  /**
   * Sends a request, or queues it while the peer's bound is reached; resolves with the
   * revived reply. The object is encoded now, so a queued request carries what it was
   * when asked, and an object that cannot be sent fails at once.
   */
  request(object: object, options: RequestOptions): Promise<object> {
    const { id, reply } = this.#pending.open(() => `${nameOfRequest(object)} request to ${this.#io.describePeer()}`, options);
    // Aborted before it was made: nothing to send.
    if (!this.#pending.waiting(id)) return reply;
    const prefix = idPrefix(id);
    if (this.#window.hasRoom) {
      // Written now, so encoded straight into the write batch (no frame of its own).
      const outcome = this.#io.offer(FrameKind.Request, object, prefix, options);
      if (outcome instanceof OonError) this.#pending.reject(id, outcome);
      else {
        this.#window.admit(id, NO_FRAME);
        this.#failOnWriteError(id, outcome);
      }
      return reply;
    }
    let frame: Uint8Array;
    try {
      frame = this.#io.encode(object, prefix, options);
    } catch (err) {
      this.#pending.reject(id, toOonError(err));
      return reply;
    }
    if (this.#window.admit(id, frame)) this.#send(id, frame);
    return reply;
  }

  /**
   * Handles a Request frame's payload, `buf[start, end)`: runs the owner's handler and
   * answers, or, past our `maxRequestsInFlight`, refuses it unread. Throws `BadData` if malformed.
   */
  onRequest(buf: Uint8Array, start: number, end: number): void {
    const id = readId(buf, start, end, 'request');
    if (this.#handling >= this.#maxHandling) {
      this.#refuse(id);
      return;
    }
    const request = this.#io.read(buf, start + ID_BYTES, end);
    if (request instanceof Unreadable) {
      // The frame was whole, so the stream is fine: this request fails, not the connection.
      const { error, head } = request;
      this.#replyWithError(id, 'BadData', `${describeHead(head, 'request')} could not be read: ${error.message}`);
      this.#io.dropped(droppedMessage(head, 'request', this.#io.describePeer(), error, true));
      return;
    }
    this.#answer(id, request.object);
  }

  /** Handles a Response frame's payload, `buf[start, end)`: settles the request it answers. Throws `BadData` if malformed. */
  onResponse(buf: Uint8Array, start: number, end: number): void {
    const id = readId(buf, start, end, 'response');
    if (end - start <= ID_BYTES) throw new BadDataError('response frame has no status byte');
    const bodyStart = start + ID_BYTES + 1;
    // An answer to a request not yet sent is no answer: the peer guessed its id.
    if (this.#window.isQueued(id)) return;
    // The peer is done with it, whether or not anyone still waits for the reply.
    const freed = this.#window.release(id);
    if (buf[start + ID_BYTES] === RESPONSE_OK) {
      this.#settleReply(id, buf, bodyStart, end);
    } else {
      const { code, message, ...app } = readErrorReport(buf.subarray(bodyStart, end));
      this.#pending.reject(id, createOonError(code, `${this.#io.describePeer()} answered: ${message}`, app));
    }
    if (freed) this.#sendQueued();
  }

  /** Fails every request still waiting or queued: the connection closed. */
  close(peer: string): void {
    this.#pending.rejectAll(createOonError('BadConn', `the connection to ${peer} closed before the reply arrived`));
    this.#window.clear();
    this.#closing.abort(new BadConnError(`the connection to ${peer} closed: the reply to this request cannot be sent`));
  }

  /**
   * Resolves request `id` with its reply. A reply that cannot be read fails that request
   * with `BadData`, and the peer hears of it in a Rejected frame; the connection goes on.
   * An unknown id is a reply that came after its request timed out or was aborted: dropped.
   */
  #settleReply(id: number, buf: Uint8Array, start: number, end: number): void {
    const reply = this.#io.read(buf, start, end);
    if (reply instanceof Unreadable) {
      const { error, head } = reply;
      if (this.#io.isOpen()) this.#io.writeFrame(rejectedFrame(head, error));
      const peer = this.#io.describePeer();
      this.#pending.reject(id, new BadDataError(`${peer} answered with ${describeHead(head, 'reply')} that could not be read: ${error.message}`, { cause: error }));
      return;
    }
    this.#pending.resolve(id, reply.object);
  }

  /** Writes a request counted in the window; a failed write means the connection is going, and fails the request. */
  #send(id: number, frame: Uint8Array): void {
    this.#failOnWriteError(id, this.#io.writeEncoded(frame));
  }

  #failOnWriteError(id: number, write: Promise<void>): void {
    write.catch((err: unknown) => this.#pending.reject(id, toOonError(err)));
  }

  /** Writes queued requests while the peer's bound leaves room. */
  #sendQueued(): void {
    for (let next = this.#window.next(); next !== undefined; next = this.#window.next()) {
      const [id, frame] = next;
      this.#send(id, frame);
    }
  }

  /** Runs the owner's handler for request `id` and answers: at once when it replies at once, else when its promise settles. */
  #answer(id: number, object: object): void {
    let reply: object | Promise<object>;
    // Counted until the handler settles: what a request holds here is its object and its handler's work.
    this.#handling++;
    try {
      reply = this.#io.handle(object, this.#closing.signal);
    } catch (err) {
      this.#handling--;
      this.#replyError(id, object, err);
      return;
    }
    if (!isPromiseLike(reply)) {
      this.#handling--;
      this.#reply(id, object, reply);
      return;
    }
    reply.then(
      (answer) => {
        this.#handling--;
        this.#reply(id, object, answer);
      },
      (err: unknown) => {
        this.#handling--;
        this.#replyError(id, object, err);
      },
    );
  }

  /** Writes the reply to request `id`. */
  #reply(id: number, object: object, reply: object): void {
    // Not awaited: a write that fails later fails with BadConn, and then the caller is gone, with nobody left to tell.
    const outcome = this.#io.offer(FrameKind.Response, reply, idPrefix(id, RESPONSE_OK));
    if (outcome instanceof BadDataError) this.#replyError(id, object, new BadDataError(`the reply could not be sent: ${outcome.message}`));
  }

  /**
   * Answers a request past our bound with a `BadConn` error reply, without decoding it or
   * running a handler: only a peer that ignores the bound its hello was told gets here.
   */
  #refuse(id: number): void {
    if (!this.#io.isOpen()) return;
    const max = this.#maxHandling;
    this.#replyWithError(
      id,
      'BadConn',
      `peer has ${max + 1} requests in flight, over maxRequestsInFlight (${max}): this one was refused and its handler not run. Wait for replies before sending more (an OON endpoint queues its requests itself, up to the maxRequestsInFlight its peer's hello announces)`,
    );
    if (this.#reportedRefusal) return;
    this.#reportedRefusal = true;
    this.#io.refused(
      new BadConnError(
        `${this.#io.describePeer()} ignores maxRequestsInFlight (${max}): its requests past it are refused with an error reply and not handled; the connection goes on. Reported once per connection`,
      ),
    );
  }

  #replyError(id: number, object: object, err: unknown): void {
    const why = err instanceof Error ? err.message : String(err);
    const message = `${nameOfRequest(object)} request failed: ${why}`;
    // Only an OonError says which of the five codes it is, and carries an application's code and details.
    if (err instanceof OonError) this.#replyWithError(id, err.code, message, appFailureOf(err));
    else this.#replyWithError(id, 'BadData', message);
  }

  /**
   * Answers request `id` with an error report (status 1), if the connection is still open.
   * Details that would take the frame past `maxFrameBytes` are left out, saying so: the
   * peer would drop the connection for an oversize frame.
   */
  #replyWithError(id: number, code: OonError['code'], message: string, app: AppFailure = {}): void {
    if (!this.#io.isOpen()) return;
    const prefix = idPrefix(id, RESPONSE_ERROR);
    let frame = encodeFrame(FrameKind.Response, errorReport(code, message, app), prefix);
    const size = frame.length - FRAME_LENGTH_BYTES;
    if (size > this.#io.maxFrameBytes && app.details !== undefined) {
      const why = `${message} (its details were left out: the reply would be ${size} bytes, over maxFrameBytes (${this.#io.maxFrameBytes}))`;
      frame = encodeFrame(FrameKind.Response, errorReport(code, why, app.appCode === undefined ? {} : { appCode: app.appCode }), prefix);
    }
    this.#io.writeFrame(frame);
  }
}

/** True for a promise (or any thenable) a handler returned, rather than its reply itself. */
function isPromiseLike(value: object | Promise<object>): value is Promise<object> {
  // A handler written in JavaScript may return nothing: that is a reply to refuse, not a crash here.
  return value !== null && value !== undefined && typeof (value as { then?: unknown }).then === 'function';
}

/** The bytes between a request/response frame's kind and its payload: the id, and a response's status. */
function idPrefix(id: number, status?: number): Uint8Array {
  const prefix = allocBytes(status === undefined ? ID_BYTES : ID_BYTES + 1);
  writeU32BE(prefix, 0, id);
  if (status !== undefined) prefix[ID_BYTES] = status;
  return prefix;
}

function readId(buf: Uint8Array, start: number, end: number, what: string): number {
  if (end - start < ID_BYTES) throw new BadDataError(`${what} frame of ${end - start} bytes is too short for its id`);
  return readU32BE(buf, start);
}
