import { BadConnError } from '@oon/core';
import { FAULT_CLOSE_GRACE } from '@oon/wire';
import { errorFrame, type Transport } from '@oon/wire/internal';

/**
 * Clients turned away without a `Connection` (server full, or closing): each is told why
 * by an Error frame (its `connect()` rejects with it, as `BadConn`), then its socket
 * closes; one that does not close within `FAULT_CLOSE_GRACE` is destroyed, whatever it
 * still sends (an idle timeout would let a peer that trickles bytes keep its socket for ever).
 */
export class Refusals {
  /** Those still closing: `close()` destroys them. */
  readonly #closing = new Set<Transport>();

  /** Turns `transport`'s client away; returns the `BadConn` the server reports. */
  refuse(transport: Transport, reason: string): BadConnError {
    this.#closing.add(transport);
    const destroy = setTimeout(() => transport.destroy(), FAULT_CLOSE_GRACE);
    const ignore = (): void => {};
    // What it sends is dropped, so its end is seen.
    transport.open({
      data: ignore,
      unreadable: ignore,
      end: ignore,
      error: ignore,
      close: () => {
        clearTimeout(destroy);
        this.#closing.delete(transport);
      },
    });
    transport.write(errorFrame('BadConn', reason));
    transport.end();
    return new BadConnError(`refused client ${String(transport.remoteAddress)}:${String(transport.remotePort)}: ${reason}`);
  }

  /** Destroys every refused socket still closing (the server closes). */
  destroyAll(): void {
    for (const transport of this.#closing) transport.destroy();
  }
}
