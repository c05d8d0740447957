/** The classes the stalled-peers programs and the tests that run them share. */
import { NetClass, NetField } from '@oon/core';

/** A numbered message with a body of any size: what is streamed to a peer that may stop reading. */
@NetClass('stalled.Chunk')
export class Chunk {
  @NetField() n: number;
  @NetField() body: string;

  constructor(n = 0, body = '') {
    this.n = n;
    this.body = body;
  }
}

/** A reader's word that it got chunk `n`: what paces a sender to the peers that keep up. */
@NetClass('stalled.Got')
export class Got {
  @NetField() n: number;

  constructor(n = 0) {
    this.n = n;
  }
}
