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
  #session = '';
  #sessionPrefix = '';

  /**
   * Gives a message read on this link (or the head of one that could not be) its
   * derived id, unless it came with one: by `seq` in `session` when a session numbered
   * it, else by its number on this link.
   */
  name(read: NetMessage | Unreadable, session: string | undefined, seq: number): NetMessage | Unreadable {
    let prefix: string;
    let n: number;
    if (session === undefined) {
      prefix = this.#link ??= `${newMessageId()}:`;
      n = ++this.#count;
    } else {
      prefix = this.#prefixOf(session);
      n = seq;
    }
    if (!(read instanceof Unreadable)) {
      read.deriveUuid(prefix, n);
      return read;
    }
    return read.head.id === undefined ? new Unreadable(read.error, { ...read.head, id: `${prefix}${n}` }) : read;
  }

  #prefixOf(session: string): string {
    if (session !== this.#session) {
      this.#session = session;
      this.#sessionPrefix = `${session}:`;
    }
    return this.#sessionPrefix;
  }
}
