/**
 * Resuming on another node (docs/scaling.md, "Resuming on another node"): three server
 * processes (tools/cluster-node) on one real redis-server, clients given every node's
 * address. A node is stopped (SIGSTOP, so its clients' last sends stay unacknowledged)
 * and killed (SIGKILL) while a room is streamed to and its clients stream to their
 * server: each of its clients reconnects to another node and resumes its session there.
 * Nothing is lost either way; what arrives twice is what the documented bound allows.
 * A client whose session expired in Redis gets a new one, told so by a `BadConn`.
 */
import type { ClientEndpoint, OonClient, ReconnectInfo } from '@oon/client';
import { Join, Note } from '../../tools/cluster-node/src/classes';
import { clusterBed, clusterClient, HEARTBEAT, HEARTBEAT_TIMEOUT, type ClusterNode } from '../support/cluster-node';
import { nextEvent } from '../support/harness';
import { lostAndTwice, notesUntilMarker } from '../support/notes';
import { freePort } from '../support/redis-server';
import { waitUntil } from '../support/wait-until';

const { h, nodes, redis } = clusterBed();
/** The adapter's default checkpoint interval (ms). */
const CHECKPOINT_INTERVAL = 100;
/** The server's Ack comes at most this long (ms) after a message (ACK_DELAY), or after 64 messages. */
const ACK_DELAY = 20;
/** Messages a server may deliver and not yet have acknowledged: an Ack goes every 64 (ACK_EVERY). */
const ACK_EVERY = 64;
/** Slack (ms) for timers that fire late on a loaded machine. */
const SLACK = 500;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A client of the cluster (`clusterClient`). */
const clientOf = (first: number, ports: number[], down = false): Promise<OonClient<Note>> => clusterClient<Note>(h, first, ports, { down });

describe('a session on a cluster of three nodes on one Redis', () => {
  it('moves with its client to another node when its node is killed: nothing lost either way, duplicates within the bound', async () => {
    const all = (await Promise.all([0, 1, 2].map(() => nodes.start(redis().url, HEARTBEAT)))) as [ClusterNode, ClusterNode, ClusterNode];
    const [a, b] = all;
    const ports = all.map((node) => node.port);
    const STREAMED = 400;
    const SENT = 150;
    // Two clients per node, each in room r, each named.
    const clients: Array<{ name: string; home: ClusterNode; client: OonClient<Note>; got: number[]; sentAt: Map<number, number>; ids: Map<number, Set<string>>; reconnects: ReconnectInfo[] }> = [];
    for (let i = 0; i < 6; i += 1) {
      const home = all[i % 3] as ClusterNode;
      // The first three go on to the next node up if theirs dies, the others down: node a's two clients move to b and c.
      const client = await clientOf(i % 3, ports, i >= 3);
      const name = `c${i}`;
      const entry = { name, home, client, got: [] as number[], sentAt: new Map<number, number>(), ids: new Map<number, Set<string>>(), reconnects: [] as ReconnectInfo[] };
      client.on('message', (note, message) => {
        expect(note).toBeInstanceOf(Note);
        entry.got.push(note.n);
        entry.sentAt.set(note.n, Number(note.from));
        entry.ids.set(note.n, (entry.ids.get(note.n) ?? new Set()).add(message.uuid));
      });
      client.on('reconnect', (info) => entry.reconnects.push(info));
      await client.send(new Join('r', name));
      await home.nextEvent('joined', (e) => e.name === name);
      clients.push(entry);
    }

    // Node b streams to room r; every client streams numbered notes to its server.
    const streamed = b.call<{ sent: number }>({ cmd: 'stream', rooms: ['r'], count: STREAMED, every: 4 });
    const sending = clients.map(async ({ client, name }) => {
      for (let n = 1; n <= SENT; n += 1) {
        await client.send(new Note(n, name));
        await sleep(6);
      }
    });
    await waitUntil(() => clients.every((c) => c.got.length >= STREAMED / 4), 10_000, () => 'a quarter of the stream at every client');
    // Stopped first, so that what its clients send now is never acknowledged (it must be resent), then killed.
    a.run.child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    await sleep(150);
    a.run.child.kill('SIGKILL');

    expect(await streamed).toEqual({ sent: STREAMED });
    await Promise.all(sending);
    await waitUntil(() => clients.every((c) => new Set(c.got).size === STREAMED), 15_000, () => `the whole stream at every client: ${clients.map((c) => `${c.name} ${new Set(c.got).size}`).join(', ')}`);
    await Promise.all(clients.map(({ client }) => client.flush({ timeout: 10_000 })));

    const moved = clients.filter((c) => c.home === a);
    expect(moved.map((c) => c.name)).toEqual(['c0', 'c3']);
    for (const { reconnects, client } of moved) {
      expect(reconnects).toHaveLength(1);
      expect(reconnects[0]).toMatchObject({ resumed: true });
      expect(reconnects[0]?.resent).toBeGreaterThan(0); // sent while its node was stopped, never acknowledged
      expect(client.stats?.lost).toBe(0);
    }
    expect(all.slice(1).map((node) => node.events('takeover').length)).toEqual([1, 1]);

    for (const { name, home, got, sentAt, ids } of clients) {
      // Server to client: every note of the stream, at least once.
      const { lost, twice } = lostAndTwice(got, STREAMED);
      expect({ name, lost }).toEqual({ name, lost: [] });
      if (home !== a) expect({ name, twice }).toEqual({ name, twice: [] });
      // Only what was sent since the client's last checkpoint before its node stopped comes twice.
      const bound = stoppedAt - (2 * CHECKPOINT_INTERVAL + ACK_DELAY + SLACK);
      expect({ name, early: twice.filter((n) => (sentAt.get(n) ?? 0) < bound) }).toEqual({ name, early: [] });
      // A broadcast that came twice came with the same message id both times: an app can drop the second.
      expect({ name, ids: twice.filter((n) => ids.get(n)?.size !== 1) }).toEqual({ name, ids: [] });

      // Client to server: every note reached some node's app; twice only what the dead node had not acknowledged.
      const gotBy = all.flatMap((node) => node.events('got').filter((e) => e.from === name).map((e) => e.n as number));
      const upstream = lostAndTwice(gotBy, SENT);
      expect({ name, lost: upstream.lost }).toEqual({ name, lost: [] });
      expect(upstream.twice.length).toBeLessThanOrEqual(home === a ? ACK_EVERY : 0);
    }
  }, 60_000);

  it('is not resumed once it expired in Redis: the client gets a new session, and a BadConn saying so', async () => {
    const RESUME_WINDOW = 600;
    const a = await nodes.start(redis().url, [...HEARTBEAT, String(RESUME_WINDOW)]);
    const laterPort = await freePort();
    const client = await clientOf(0, [a.port, laterPort]);
    await client.send(new Join('r', 'x'));
    await a.nextEvent('joined', (e) => e.name === 'x');
    const reconnected = nextEvent(client, 'reconnect', 10_000);
    a.run.child.kill('SIGKILL');
    // The node is gone and nothing renews its session in Redis: it expires within a window and a sweep.
    await sleep(2 * RESUME_WINDOW);
    const later = await nodes.start(redis().url, [...HEARTBEAT, String(RESUME_WINDOW), String(laterPort)]);
    const [info] = await reconnected;
    expect(info).toMatchObject({ resumed: false, error: { code: 'BadConn' } });
    expect(info.error?.message).toMatch(new RegExp(`127.0.0.1:${laterPort} could not resume the session .*a new session was started`));
    expect(await later.nextEvent('connection')).toMatchObject({ rooms: [] });
    expect(later.events('takeover')).toEqual([]);
  }, 30_000);

  it('is not resumed when the log no longer holds what its client lacks (past maxLogEntries): a new session, a BadConn, and the node says why', async () => {
    // A log of about 10 entries: Redis trims it a whole stream node (100 entries) at a time.
    const [a, b] = (await Promise.all([0, 1].map(() => nodes.start(redis().url, [...HEARTBEAT, '120000', '0', '10'])))) as [ClusterNode, ClusterNode];
    const client = await clientOf(0, [a.port, b.port]);
    await client.send(new Join('r', 'x'));
    await a.nextEvent('joined', (e) => e.name === 'x');
    const reconnected = nextEvent(client, 'reconnect', 10_000);
    // Its node stops before the room is sent 300 broadcasts: its checkpoint stays before all of them.
    a.run.child.kill('SIGSTOP');
    expect(await b.call({ cmd: 'stream', rooms: ['r'], count: 300, every: 0 })).toEqual({ sent: 300 });
    a.run.child.kill('SIGKILL');
    const [info] = await reconnected;
    expect(info).toMatchObject({ resumed: false, error: { code: 'BadConn' } });
    const refusal = await b.nextEvent('error', (e) => String(e.message).includes('kept by the cluster for another node'));
    expect(refusal).toMatchObject({ code: 'BadConn' });
    expect(refusal.message).toMatch(/but the cluster's log no longer holds all the broadcasts after the session's last checkpoint .*: not resumed \(a new session was granted\)/);
    expect(b.events('takeover')).toEqual([]);
  }, 30_000);

  it('moves from a node that lives on (stopped while its client found another): that node lets its copy go, with no loss', async () => {
    const [a, b] = (await Promise.all([0, 1].map(() => nodes.start(redis().url, HEARTBEAT)))) as [ClusterNode, ClusterNode];
    const endpoints: ClientEndpoint[] = [a, b].map((node) => ({ host: '127.0.0.1', port: node.port }));
    // Notices a silent server and gives up dialing one within the cluster's heartbeat timeout:
    // shorter, a node or a dial slowed by a loaded machine (900 ms was seen) passes for a stopped one.
    const patience = { pingInterval: 200, pongTimeout: HEARTBEAT_TIMEOUT, connectTimeout: HEARTBEAT_TIMEOUT };
    const client = await h.connectedClient<Note>(0, { endpoints, reconnect: { initialDelay: 20, maxDelay: 100 }, ...patience });
    await client.send(new Join('r', 'x'));
    const { peer } = await a.nextEvent('joined', (e) => e.name === 'x');
    await sleep(100); // the node writes the session's rooms to Redis at the end of the tick it joined them in
    const reconnected = nextEvent(client, 'reconnect', 4 * HEARTBEAT_TIMEOUT);
    a.run.child.kill('SIGSTOP');
    expect((await reconnected)[0]).toMatchObject({ resumed: true });
    await b.nextEvent('takeover');
    a.run.child.kill('SIGCONT');
    expect(await a.nextEvent('disconnect', (e) => e.peer === peer)).toMatchObject({ reason: 'remote close' });
    expect(await b.call({ cmd: 'count', rooms: ['r'] })).toEqual({ count: 1 });
    expect(await b.call({ cmd: 'send', rooms: ['r'], n: 7 })).toEqual({ delivered: 1, failed: 0, cluster: null });
    await a.call({ cmd: 'send', rooms: ['r'], n: -1 });
    expect(await notesUntilMarker(client)).toEqual([7]);
    expect(a.events('loss')).toEqual([]);
  }, 30_000);

  it('leaves a moved client out of what was broadcast to its room with it left out on its old node', async () => {
    const [a, b] = (await Promise.all([0, 1].map(() => nodes.start(redis().url, HEARTBEAT)))) as [ClusterNode, ClusterNode];
    const client = await clientOf(0, [a.port, b.port]);
    await client.send(new Join('r', 'x'));
    await a.nextEvent('joined', (e) => e.name === 'x');
    await sleep(100); // its rooms are in Redis
    expect(await b.call({ cmd: 'remember', rooms: ['r'], name: 'x' })).toMatchObject({ node: a.node, remote: true });
    const reconnected = nextEvent(client, 'reconnect', 10_000);
    a.run.child.kill('SIGSTOP');
    // While its node is stopped (its checkpoint stays before these): one broadcast leaves it out by name, one does not.
    expect(await b.call({ cmd: 'send', rooms: ['r'], exceptPeers: ['x'], n: 5 })).toMatchObject({ cluster: null });
    expect(await b.call({ cmd: 'send', rooms: ['r'], n: 6 })).toMatchObject({ cluster: null });
    a.run.child.kill('SIGKILL');
    expect((await reconnected)[0]).toMatchObject({ resumed: true });
    expect(await b.nextEvent('takeover')).toMatchObject({ replayed: 1 }); // replayed before what is broadcast from now on
    await b.call({ cmd: 'send', rooms: ['r'], n: -1 });
    expect(await notesUntilMarker(client)).toEqual([6]);
  }, 30_000);

  it('leaves a moved client out of a broadcast that excepts the RemotePeer found before the move: on its new node, and sent from another', async () => {
    const [a, b, c] = (await Promise.all([0, 1, 2].map(() => nodes.start(redis().url, HEARTBEAT)))) as [ClusterNode, ClusterNode, ClusterNode];
    const client = await clientOf(0, [a.port, b.port]);
    await client.send(new Join('r', 'x'));
    await a.nextEvent('joined', (e) => e.name === 'x');
    await sleep(100); // its rooms are in Redis
    for (const node of [b, c]) expect(await node.call({ cmd: 'remember', rooms: ['r'], name: 'x' })).toMatchObject({ node: a.node, remote: true });
    const reconnected = nextEvent(client, 'reconnect', 10_000);
    a.run.child.kill('SIGKILL');
    expect((await reconnected)[0]).toMatchObject({ resumed: true });
    await b.nextEvent('takeover');

    // Both name x by its peer on a, which is gone: x is b's own peer now, under another id.
    expect(await b.call({ cmd: 'send', rooms: ['r'], exceptPeers: ['x'], n: 1 })).toEqual({ delivered: 0, failed: 0, cluster: null });
    expect(await c.call({ cmd: 'send', rooms: ['r'], exceptPeers: ['x'], n: 2 })).toEqual({ delivered: 0, failed: 0, cluster: null });
    expect(await c.call({ cmd: 'count', rooms: ['r'], exceptPeers: ['x'] })).toEqual({ count: 0 });
    expect(await b.call({ cmd: 'count', rooms: ['r'], exceptPeers: ['x'] })).toEqual({ count: 0 });
    expect(await c.call({ cmd: 'count', rooms: ['r'] })).toEqual({ count: 1 });
    await b.call({ cmd: 'send', rooms: ['r'], n: -1 });
    await c.call({ cmd: 'send', rooms: ['r'], n: -1 });
    expect(await notesUntilMarker(client, 2)).toEqual([]);
  }, 30_000);
});
