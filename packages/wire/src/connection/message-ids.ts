import { newMessageId, type NetMessage } from '@oon/core';
import { Unreadable } from './message-rejection';

/**
 * The ids a connection gives the messages that arrive without one (docs/protocol.md,
 * "Message ids"): with a session, `<session id>:<seq>`, the same on every link of the
 * session, so a message resent after a resume has the id it had; otherwise
 * `<link id>:<n>`, this link's own random 10 hex digits and the message's number on it
 * (nothing is resent without a session, so no message arrives twice). Made only when
 * someone reads `uuid`.
 */
export class MessageIds {
  /** This link's prefix: random, so links (and processes) do not share ids; made with the first id (an idle link has none). */
  #link: string | undefined;
  /** Messages read on this link without a session. */
  #count = 0;
  /** The id of the session the link carries, once it has one. */
  #sessionId = '';
  /** Its prefix (`<session id>:`), made with the first id. */
  #session: string | undefined;

  /** The link carries session `id` from now on: its messages are named by their seq in it. */
  inSession(id: string): void {
    this.#sessionId = id;
    this.#session = undefined;
  }

  /**
   * Gives a message read on this link (or the head of one that could not be) its
   * derived id, unless it came with one: by `seq` in the session when a session numbered
   * it (`seq` > 0), else by its number on this link.
   */
  name(read: NetMessage | Unreadable, seq: number): NetMessage | Unreadable {
    const prefix = seq === 0 ? this.#linkPrefix() : this.#sessionPrefix();
    const n = seq === 0 ? ++this.#count : seq;
    if (read instanceof Unreadable) return named(read, prefix, n);
    read.deriveUuid(prefix, n);
    return read;
  }

  #linkPrefix(): string {
    return (this.#link ??= `${newMessageId()}:`);
  }

  #sessionPrefix(): string {
    return (this.#session ??= `${this.#sessionId}:`);
  }
}

/** The head of a message that could not be read, with its derived id if it came without one (out of line: rare). */
function named(read: Unreadable, prefix: string, n: number): Unreadable {
  return read.head.id === undefined ? new Unreadable(read.error, { ...read.head, id: `${prefix}${n}` }) : read;
}
