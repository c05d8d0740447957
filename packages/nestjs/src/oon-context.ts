import { BaseRpcContext } from '@nestjs/microservices';
import type { Peer } from '@oon/server';

/** What an {@link OonContext} holds: the client, the pattern's route, and the signal of its connection. */
export type OonContextArgs = [peer: Peer, pattern: string, signal: AbortSignal | undefined];

/**
 * The context of a message or event that came over OON, for `@Ctx() context: OonContext`:
 * which client sent it and under what pattern.
 */
export class OonContext extends BaseRpcContext<OonContextArgs> {
  /** The client that sent the message: `peer.identity`, `peer.data`, `peer.join(room)`. */
  getPeer(): Peer {
    return this.args[0];
  }

  /** The pattern's route (`'orders.count'`), or the name of the class for a class pattern. */
  getPattern(): string {
    return this.args[1];
  }

  /** Aborts when the connection the request came on closes (the reply could not be sent); unset for events. */
  getSignal(): AbortSignal | undefined {
    return this.args[2];
  }
}
