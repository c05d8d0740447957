/**
 * A session across a restart into another version (docs/evolution.md, docs/reconnect.md):
 * what the client kept unacknowledged is resent to the new server, which reads it by the
 * new agreement; a kept message the new version cannot read is reported back to the
 * client (`'rejected'`, naming its class and why), not silently dropped, and the session
 * goes on.
 */
import type { Socket } from 'node:net';
import { NetClass, NetField, Registry } from '@oon/core';
import { describeRegistry, FrameDecoder, FrameKind } from '@oon/wire';
import { encodeHello, serverHello } from '@oon/wire/internal';
import { harness, nextEvent } from '../support/harness';
import { waitUntil } from '../support/wait-until';

const h = harness();
afterEach(() => h.closeAll());

/** Version 2 (the client, and the server that goes away): `Note` gained `tag`; `Alert` is new. */
function version2() {
  const registry = new Registry();
  @NetClass({ registry, name: 'Note' })
  class Note {
    @NetField() n: number = 0;
    @NetField() tag: string = '';
  }
  @NetClass({ registry, name: 'Alert' })
  class Alert {
    @NetField() level: number = 0;
  }
  return { registry, Note, Alert };
}

/** Version 1 (the server that comes back: a rollback): no `tag`, no `Alert`. */
function version1() {
  const registry = new Registry();
  @NetClass({ registry, name: 'Note' })
  class Note {
    @NetField() n: number = 0;
  }
  return { registry, Note };
}

describe('a session whose server comes back as another version', () => {
  it('resends what was kept, read by the new version; a kept message it cannot read is reported to the sender', async () => {
    const v2 = version2();
    const v1 = version1();
    // A v2 server that grants a session and reads the client's messages but never acknowledges them.
    const taken: number[] = [];
    const links: Socket[] = [];
    const { server: fake, port } = await h.rawServer((socket: Socket) => {
      links.push(socket);
      const frames = new FrameDecoder({ maxFrameBytes: 1 << 20 });
      socket.on('data', (chunk: Buffer) =>
        frames.push(chunk, (kind) => {
          taken.push(kind);
          if (kind !== FrameKind.Hello) return;
          const hello = serverHello('binary', describeRegistry(v2.registry), { session: { id: 'gone', resumed: false, received: 0, secret: Buffer.alloc(32, 7).toString('base64') } });
          socket.write(encodeHello(hello, 1 << 20));
        }),
      );
    });
    const client = h.client(port, { registry: v2.registry, reconnect: { initialDelay: 20, maxDelay: 100 } });
    await client.connect();
    await client.send(Object.assign(new v2.Note(), { n: 1, tag: 'a' }));
    await client.send(new v2.Alert(), { uuid: 'alert-1' });
    await client.send(Object.assign(new v2.Note(), { n: 2, tag: 'b' }));
    await waitUntil(() => taken.filter((k) => k === FrameKind.Message).length === 3, 5_000, () => 'the fake server reading the three messages');

    // The v2 server goes; v1 comes back on the port (a rollback).
    const rejected = nextEvent(client, 'rejected');
    const back = nextEvent(client, 'reconnect');
    const closed = new Promise((resolve) => fake.close(resolve));
    for (const socket of links) socket.destroy();
    await closed;
    const { server } = await h.listeningServer({ registry: v1.registry, port });
    const notes: unknown[] = [];
    server.on('message', (object) => notes.push(object));
    server.on('error', () => {});

    const [info] = await back;
    expect(info).toMatchObject({ resumed: false, resent: 3 });
    const [rejection] = await rejected;
    expect([rejection.id, rejection.className, rejection.error.code]).toEqual(['alert-1', 'Alert', 'BadData']);
    expect(rejection.error.message).toMatch(/could not read the Alert message `alert-1` and dropped it: body: the peer sent `Alert`, which this side.s schema cannot read: this side has no class `Alert` .*\(rule class-missing\)$/);
    await waitUntil(() => notes.length === 2, 5_000, () => 'both notes at the v1 server');
    expect(notes).toEqual([Object.assign(new v1.Note(), { n: 1 }), Object.assign(new v1.Note(), { n: 2 })]);
    expect(notes[0]).toBeInstanceOf(v1.Note);
    await client.flush({ timeout: 5_000 });
    expect(client.stats).toMatchObject({ sent: 3, lost: 0 });
  });
});
