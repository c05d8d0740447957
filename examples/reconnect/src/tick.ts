/** The one class both programs share: a numbered message, so order and loss can be checked. */
import { NetClass, NetField } from '@oon/core';

@NetClass()
export class Tick {
  @NetField() n: number;

  constructor(n = 0) {
    this.n = n;
  }
}
