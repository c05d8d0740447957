import { BadDataError, createOonError, OonError, type NetMessageOptions } from '@oon/core';
import { FrameKind } from './constants';
import { encodeFrame } from './frame-encoder';
import { errorReport, readErrorReport } from './error-report';
import { PendingRequests, type RequestOptions } from './requests';

/**
 * Request and response frames put a correlation id between the kind and the payload:
 *
 * ```
 * request:  [u32 BE length][u8 kind = 3][u32 BE id][message payload]
 * response: [u32 BE length][u8 kind = 4][u32 BE id][u8 status][body]
 * ```
 *
 * A response's status is 0 with the reply as body (a message payload, in the agreed
 * codec), or 1 with an error report as body (`{"code", "message"}` JSON).
 */
const ID_BYTES = 4;
const RESPONSE_OK = 0;
const RESPONSE_ERROR = 1;

/** What a {@link RequestChannel} needs from its connection. */
export interface RequestChannelIo {
  describePeer(): string;
  isOpen(): boolean;
  /** Encodes and writes an object in a frame of `kind` behind `prefix`, with the connection's limits. */
  write(kind: FrameKind, object: object, prefix: Uint8Array, options?: NetMessageOptions): Promise<void>;
  /** Writes a frame as it is. */
  writeFrame(frame: Buffer): void;
  /** Decodes a message payload into its revived object; throws `BadData`. */
  decode(payload: Buffer): object;
  /** The owner's answer to a request. */
  handle(object: object): Promise<object>;
}

/** Requests and responses over one connection: both the calls this side makes and the answers it gives. */
export class RequestChannel {
  readonly #io: RequestChannelIo;
  readonly #pending = new PendingRequests();

  constructor(io: RequestChannelIo) {
    this.#io = io;
  }

  /** Sends a request; resolves with the revived reply. */
  request(object: object, options: RequestOptions): Promise<object> {
    const { id, reply } = this.#pending.open(`${object.constructor.name} request to ${this.#io.describePeer()}`, options);
    this.#io.write(FrameKind.Request, object, idPrefix(id), options).catch((err: OonError) => this.#pending.reject(id, err));
    return reply;
  }

  /** Handles a Request frame's payload: runs the owner's handler and answers. Throws `BadData` if malformed. */
  onRequest(payload: Buffer): void {
    const id = readId(payload, 'request');
    const object = this.#io.decode(payload.subarray(ID_BYTES));
    void this.#answer(id, object);
  }

  /** Handles a Response frame's payload: settles the request it answers. Throws `BadData` if malformed. */
  onResponse(payload: Buffer): void {
    const id = readId(payload, 'response');
    if (payload.length <= ID_BYTES) throw new BadDataError('response frame has no status byte');
    const body = payload.subarray(ID_BYTES + 1);
    if (payload.readUInt8(ID_BYTES) === RESPONSE_OK) {
      // An unknown id is a reply that came after its request timed out or was aborted: dropped.
      this.#pending.resolve(id, this.#io.decode(body));
      return;
    }
    const report = readErrorReport(body);
    this.#pending.reject(id, createOonError(report.code, `${this.#io.describePeer()} answered: ${report.message}`));
  }

  /** Fails every request still waiting: the connection closed. */
  close(peer: string): void {
    this.#pending.rejectAll(createOonError('BadConn', `the connection to ${peer} closed before the reply arrived`));
  }

  async #answer(id: number, object: object): Promise<void> {
    let reply: object;
    try {
      reply = await this.#io.handle(object);
    } catch (err) {
      this.#replyError(id, object, err);
      return;
    }
    try {
      await this.#io.write(FrameKind.Response, reply, idPrefix(id, RESPONSE_OK));
    } catch (err) {
      if (err instanceof BadDataError) this.#replyError(id, object, new BadDataError(`the reply could not be sent: ${err.message}`));
      // BadConn: the caller is gone; nobody is left to tell.
    }
  }

  #replyError(id: number, object: object, err: unknown): void {
    if (!this.#io.isOpen()) return;
    const code = err instanceof OonError ? err.code : 'BadData';
    const why = err instanceof Error ? err.message : String(err);
    const report = errorReport(code, `${object.constructor.name} request failed: ${why}`);
    this.#io.writeFrame(encodeFrame(FrameKind.Response, report, idPrefix(id, RESPONSE_ERROR)));
  }
}

/** The bytes between a request/response frame's kind and its payload: the id, and a response's status. */
function idPrefix(id: number, status?: number): Buffer {
  const prefix = Buffer.allocUnsafe(status === undefined ? ID_BYTES : ID_BYTES + 1);
  prefix.writeUInt32BE(id, 0);
  if (status !== undefined) prefix.writeUInt8(status, ID_BYTES);
  return prefix;
}

function readId(payload: Buffer, what: string): number {
  if (payload.length < ID_BYTES) throw new BadDataError(`${what} frame of ${payload.length} bytes is too short for its id`);
  return payload.readUInt32BE(0);
}
