import { newMessageId, type MessageIdPrefix, type NetMessage } from '@oon/core';
import { Unreadable } from './message-rejection';

/**
 * The ids a connection gives the messages that arrive without one (docs/protocol.md,
 * "Message ids"): with a session, `<session id>:<seq>`, the same on every link of the
 * session, so a message resent after a resume has the id it had; otherwise
 * `<link id>:<n>`, this link's own random 10 hex digits and the message's number on it
 * (nothing is resent without a session, so no message arrives twice). Made only when
 * someone reads `uuid`: a message keeps the prefix's source and its number till then.
 */
export class MessageIds implements MessageIdPrefix {
  /** This link's prefix: random, so links (and processes) do not share ids; made with the first id read (an idle link has none). */
  #link: string | undefined;
  /** Messages read on this link without a session. */
  #count = 0;
  /** The prefix of the session the link carries, once it has one. */
  #session: SessionIdPrefix | undefined;

  /** This link's prefix (`<link id>:`), the source of the ids of messages read without a session. */
  get idPrefix(): string {
    return (this.#link ??= `${newMessageId()}:`);
  }

  /** The link carries session `id` from now on: its messages are named by their seq in it. */
  inSession(id: string): void {
    this.#session = new SessionIdPrefix(id);
  }

  /**
   * Gives a message read on this link its derived id, unless it came with one: by `seq`
   * in the session when a session numbered it (`seq` > 0), else by its number on this link.
   */
  name(message: NetMessage, seq: number): NetMessage {
    // Run for every message: kept to few bytecodes, so V8 inlines it where frames are read.
    if (seq === 0) message.deriveUuid(this, ++this.#count);
    else message.deriveUuid(this.#session as SessionIdPrefix, seq);
    return message;
  }

  /** {@link MessageIds.name} of the head of a message that could not be read (it keeps its number). */
  nameUnreadable(read: Unreadable, seq: number): Unreadable {
    const from: MessageIdPrefix = seq === 0 ? this : (this.#session as SessionIdPrefix);
    const n = seq === 0 ? ++this.#count : seq;
    return read.head.id === undefined ? new Unreadable(read.error, { ...read.head, id: `${from.idPrefix}${n}` }) : read;
  }

  /** {@link MessageIds.name} or {@link MessageIds.nameUnreadable}, as the read turned out (a request or its reply). */
  nameRead(read: NetMessage | Unreadable, seq: number): NetMessage | Unreadable {
    return read instanceof Unreadable ? this.nameUnreadable(read, seq) : this.name(read, seq);
  }
}

/** `<session id>:`, made when the first id is read. */
class SessionIdPrefix implements MessageIdPrefix {
  readonly #id: string;
  #prefix: string | undefined;

  constructor(id: string) {
    this.#id = id;
  }

  get idPrefix(): string {
    return (this.#prefix ??= `${this.#id}:`);
  }
}
