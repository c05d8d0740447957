/**
 * Three OonServer processes on one Redis (tools/cluster-node), clients spread over them
 * (docs/scaling.md): rooms and `except` reach every node's peers once each, counts and
 * `peers()` are cluster-wide, server-side messages arrive revived, and a node killed
 * with SIGKILL is noticed by its heartbeat lapsing: its peers leave every room.
 */
import type { OonClient, OonClientOptions } from '@oon/client';
import { Join, Note } from '../../tools/cluster-node/src/classes';
import { clusterBed, HEARTBEAT, HEARTBEAT_TIMEOUT, REQUEST_TIMEOUT, type ClusterNode } from '../support/cluster-node';
import { notesUntilMarker } from '../support/notes';

const { h, nodes, redis } = clusterBed();

async function startNodes(count: number): Promise<ClusterNode[]> {
  return Promise.all(Array.from({ length: count }, () => nodes.start(redis().url, HEARTBEAT)));
}

/** A client of `node`, put in `room` by the node's code under `name`. */
async function member(node: ClusterNode, room: string, name: string, options?: OonClientOptions): Promise<OonClient<Note>> {
  const client = await h.connectedClient<Note>(node.port, options);
  await client.send(new Join(room, name));
  await node.nextEvent('joined', (e) => e.name === name);
  return client;
}

describe('three nodes on one Redis', () => {
  it('reach the peers of a room on every node once each, leave out `except`, and count and list them cluster-wide', async () => {
    const [a, b, c] = (await startNodes(3)) as [ClusterNode, ClusterNode, ClusterNode];
    const clients = {
      a1: await member(a, 'r', 'a1'),
      b1: await member(b, 'r', 'b1'),
      b2: await member(b, 'muted', 'b2'),
      c1: await member(c, 'other', 'c1'),
      c2: await member(c, 'r', 'c2'),
    };
    // b2 is in r too (its node's code puts it there): it is in two rooms.
    await clients.b2.send(new Join('r', 'b2+r'));
    await b.nextEvent('joined', (e) => e.name === 'b2+r');

    expect(await a.call({ cmd: 'count', rooms: ['r'] })).toEqual({ count: 4 });
    expect(await b.call({ cmd: 'count', rooms: ['r'], except: ['muted'] })).toEqual({ count: 3 });
    expect(await c.call({ cmd: 'count', rooms: ['r', 'other'] })).toEqual({ count: 5 });
    expect(await c.call({ cmd: 'count' })).toEqual({ count: 5 });
    const { peers } = await c.call<{ peers: Array<{ name: string; node: string; rooms: string[] }> }>({ cmd: 'peers', rooms: ['r'] });
    const byName = Object.fromEntries(peers.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(['a1', 'b1', 'b2+r', 'c2']);
    expect(byName.a1).toMatchObject({ node: a.node, rooms: ['r'] });
    expect(byName['b2+r']).toMatchObject({ node: b.node, rooms: ['muted', 'r'] });
    expect(byName.c2).toMatchObject({ node: c.node, rooms: ['r'] });

    expect(await a.call({ cmd: 'send', rooms: ['r'], except: ['muted'], n: 1 })).toEqual({ delivered: 1, failed: 0, cluster: null });
    expect(await b.call({ cmd: 'send', rooms: ['r', 'other'], n: 2 })).toEqual({ delivered: 2, failed: 0, cluster: null });
    expect(await c.call({ cmd: 'broadcast', n: 3 })).toEqual({ delivered: 2, failed: 0, cluster: null });
    for (const node of [a, b, c]) await node.call({ cmd: 'broadcast', n: -1 });
    // Sorted: messages from different nodes reach a peer in no set order (b1 may get b's 2,
    // delivered on its own node, before a's 1, which comes through Redis); each exactly once.
    const got = Object.fromEntries(
      await Promise.all(Object.entries(clients).map(async ([name, client]) => [name, (await notesUntilMarker(client, 3)).sort((x, y) => x - y)] as const)),
    );
    expect(got).toEqual({ a1: [1, 2, 3], b1: [1, 2, 3], b2: [2, 3], c1: [2, 3], c2: [1, 2, 3] });
  });

  it('carry server-side messages to every other node, revived', async () => {
    const [a, b, c] = (await startNodes(3)) as [ClusterNode, ClusterNode, ClusterNode];
    expect(await a.call({ cmd: 'emit', n: 7 })).toEqual({});
    for (const other of [b, c]) {
      expect(await other.nextEvent('serverMessage')).toEqual({ event: 'serverMessage', n: 7, from: a.node, node: a.node, instance: true });
    }
    await b.call({ cmd: 'emit', n: 8 });
    await a.nextEvent('serverMessage', (e) => e.n === 8);
    expect(a.events('serverMessage')).toEqual([{ event: 'serverMessage', n: 8, from: b.node, node: b.node, instance: true }]);
    expect(b.events('serverMessage').map((e) => e.n)).toEqual([7]); // not its own
  });

  it('notice a node killed with SIGKILL within its heartbeat timeout: its peers leave every room cluster-wide', async () => {
    const [a, b, c] = (await startNodes(3)) as [ClusterNode, ClusterNode, ClusterNode];
    const inA = await member(a, 'r', 'a1');
    const inB = await member(b, 'r', 'b1');
    await member(c, 'r', 'c1');
    await member(c, 'r', 'c2');
    expect(await a.call({ cmd: 'count', rooms: ['r'] })).toEqual({ count: 4 });

    // Nothing reported c down before (its heartbeat never lapsed), so the 'nodeDown' awaited is the kill's.
    expect([...a.events('nodeDown'), ...b.events('nodeDown')]).toEqual([]);
    const killedAt = Date.now();
    c.run.child.kill('SIGKILL');
    await Promise.all([a.nextEvent('nodeDown', (e) => e.node === c.node), b.nextEvent('nodeDown', (e) => e.node === c.node)]);
    const noticedMs = Date.now() - killedAt;
    expect(noticedMs).toBeLessThan(2 * HEARTBEAT_TIMEOUT); // lapsed after HEARTBEAT_TIMEOUT, checked every 100 ms
    expect(await a.call({ cmd: 'count', rooms: ['r'] })).toEqual({ count: 2 });
    const { peers } = await b.call<{ peers: Array<{ name: string }> }>({ cmd: 'peers', rooms: ['r'] });
    expect(peers.map((p) => p.name).sort()).toEqual(['a1', 'b1']);
    // The living go on: a room's message reaches both remaining nodes' peers.
    expect(await b.call({ cmd: 'send', rooms: ['r'], n: 9 })).toEqual({ delivered: 1, failed: 0, cluster: null });
    await b.call({ cmd: 'broadcast', n: -1 });
    expect(await notesUntilMarker(inA)).toEqual([9]);
    expect(await notesUntilMarker(inB)).toEqual([9]);
    // A node that closes leaves at once, with no 'nodeDown'.
    await b.call({ cmd: 'close' });
    expect(await a.call({ cmd: 'count', rooms: ['r'] })).toEqual({ count: 1 });
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_TIMEOUT + 200));
    expect(a.events('nodeDown').map((e) => e.node)).toEqual([c.node]);
  }, 40_000);

  it('answer a count asked while a node dies once its heartbeat lapses, without it, not at requestTimeout', async () => {
    const [a, b, c] = (await startNodes(3)) as [ClusterNode, ClusterNode, ClusterNode];
    await member(a, 'r', 'a1');
    await member(b, 'r', 'b1');
    await member(c, 'r', 'c1');
    expect(await a.call({ cmd: 'count', rooms: ['r'] })).toEqual({ count: 3 });
    // Stopped first, so the question surely reaches a node that cannot answer; then killed.
    c.run.child.kill('SIGSTOP');
    const askedAt = Date.now();
    const counted = a.call({ cmd: 'count', rooms: ['r'] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    c.run.child.kill('SIGKILL');
    // b may be the node that notices the lapse and takes c off Redis's list before a looks.
    expect(await counted).toEqual({ count: 2 });
    expect(Date.now() - askedAt).toBeLessThan(REQUEST_TIMEOUT - 1_000);
  }, 40_000);
});

describe('RemotePeer.send: to one peer on another node', () => {
  it('reaches it revived, once, and says BadConn when the peer or, for a peer without a session, its node is gone', async () => {
    const [a, b, c] = (await startNodes(3)) as [ClusterNode, ClusterNode, ClusterNode];
    const b1 = await member(b, 'r', 'b1');
    // Without a session: nothing outlives its node (a send to a peer with one follows its session: redis-resume-direct.test.ts).
    const c1 = await member(c, 'r', 'c1', { reconnect: false });
    const a1 = await member(a, 'r', 'a1');
    const found = { id: expect.any(String), remote: true };
    expect(await a.call({ cmd: 'remember', name: 'b1' })).toEqual({ ...found, node: b.node });
    expect(await a.call({ cmd: 'remember', name: 'c1' })).toEqual({ ...found, node: c.node });
    expect(await b.call({ cmd: 'remember', name: 'a1' })).toEqual({ ...found, node: a.node });

    // Resolved once b handed it to b1's link; nobody else gets it.
    expect(await a.call({ cmd: 'sendTo', name: 'b1', n: 5 })).toEqual({});
    expect(await b.call({ cmd: 'sendTo', name: 'a1', n: 6 })).toEqual({});
    await a.call({ cmd: 'broadcast', n: -1 });
    expect(await notesUntilMarker(b1)).toEqual([5]); // checked to be revived Notes
    expect(await notesUntilMarker(a1)).toEqual([6]);
    expect(await notesUntilMarker(c1)).toEqual([]);

    // b1 leaves for good: its session is over, and the cluster keeps no record of it.
    await b1.close();
    await expect(a.call({ cmd: 'sendTo', name: 'b1', n: 7 })).resolves.toEqual({
      error: { code: 'BadConn', message: expect.stringMatching(/^peer \w+ is gone: no node holds its session [\w-]+ any more \(it ended, or its client did not come back within resumeWindow\)/) },
    });
    // c dies: Redis says nothing listens on its channel any more, at once (no wait for its heartbeat to lapse).
    c.run.child.kill('SIGKILL');
    await c.run.exited;
    const sentAt = Date.now();
    await expect(a.call({ cmd: 'sendTo', name: 'c1', n: 8 })).resolves.toEqual({
      error: { code: 'BadConn', message: expect.stringMatching(new RegExp(`^node ${c.node} is gone \\(nothing listens on its channel in Redis at redis://`)) },
    });
    expect(Date.now() - sentAt).toBeLessThan(HEARTBEAT_TIMEOUT / 2); // not waiting for its heartbeat to lapse
  });

  it('fails with BadConn when the node of a peer without a session stops answering (SIGSTOP) and its heartbeat lapses', async () => {
    const [a, b] = (await startNodes(2)) as [ClusterNode, ClusterNode];
    await member(b, 'r', 'b1', { reconnect: false });
    const { id } = await a.call<{ id: string }>({ cmd: 'remember', name: 'b1' });
    expect(id).toEqual(expect.any(String));
    b.run.child.kill('SIGSTOP');
    try {
      // Published (b's link to Redis is up), never answered: a waits for b's heartbeat to lapse, not for requestTimeout.
      const sentAt = Date.now();
      await expect(a.call({ cmd: 'sendTo', name: 'b1', n: 1 })).resolves.toEqual({
        error: { code: 'BadConn', message: `node ${b.node} is gone (closed, or its heartbeat lapsed) before it said whether peer ${id} got the message: it may not have` },
      });
      expect(Date.now() - sentAt).toBeLessThan((HEARTBEAT_TIMEOUT + REQUEST_TIMEOUT) / 2);
    } finally {
      b.run.child.kill('SIGCONT');
    }
  }, 40_000);
});
