import { NetClass, NetField } from '@oon/core';

/** What the cluster tests send: a number, and the node it came from. */
@NetClass('cluster.Note')
export class Note {
  @NetField() n: number;
  @NetField() from: string;
  constructor(n = 0, from = '') {
    this.n = n;
    this.from = from;
  }
}

/** A client asks its server to put it in a room, under a name (the server's code decides: it does). */
@NetClass('cluster.Join')
export class Join {
  @NetField() room: string;
  @NetField() name: string;
  constructor(room = '', name = '') {
    this.room = room;
    this.name = name;
  }
}
