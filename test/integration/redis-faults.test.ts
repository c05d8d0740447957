/**
 * The Redis adapter under faults (docs/scaling.md): Redis down at start, Redis lost and
 * back while a room is streamed to, what comes from Redis that does not decode, and
 * what a client cannot do. Servers in this process, a real redis-server, real clients.
 */
import { createClient } from '@redis/client';
import { OonError } from '@oon/core';
import type { OonClient } from '@oon/client';
import { redisAdapter, type RedisAdapterOptions } from '@oon/redis';
import { Peer, type OonServer } from '@oon/server';
import { encodeEnvelope } from '../../packages/redis/src/envelope';
import { Join, Note } from '../../tools/cluster-node/src/classes';
import { notesUntilMarker } from '../support/notes';
import { expectOonError, harness, nextEvent } from '../support/harness';
import { redisServers, type RedisServer } from '../support/redis-server';
import { waitUntil } from '../support/wait-until';

const h = harness();
const redises = redisServers();
let redis: RedisServer;
beforeEach(async () => {
  redis = await redises.start();
});
afterEach(async () => {
  await h.closeAll();
  await redises.stopAll();
});

const FAST: RedisAdapterOptions = { heartbeatInterval: 100, heartbeatTimeout: 500, requestTimeout: 2_000, connectTimeout: 1_000 };

/** A node on the test's Redis, with the OonErrors it emitted. */
async function node(options: RedisAdapterOptions = {}) {
  const { server, port } = await h.listeningServer<Join | Note>({ adapter: redisAdapter({ ...(options.clusterNodes === undefined ? { url: redis.url } : {}), ...FAST, ...options }) });
  const errors: OonError[] = [];
  server.on('error', (err) => errors.push(err));
  server.onMessage(Join, (join, peer) => peer.join(join.room));
  return { server, port, errors };
}

/** A client of `port` that its server has put in `room`. */
async function member(server: OonServer<Join | Note>, port: number, room: string): Promise<{ client: OonClient<Note>; peer: Peer }> {
  const connected = nextEvent(server, 'connection');
  const client = await h.connectedClient<Note>(port);
  const [peer] = await connected;
  await client.send(new Join(room));
  await waitUntil(() => peer.rooms.has(room), 2_000, () => `peer to join ${room}`);
  return { client, peer };
}

/**
 * Two nodes share a room of one member each: counted from either, a server-side message
 * from `one` arrives revived at `two`, and a room send from `one` reaches `two`'s member.
 */
async function expectSharing(one: Awaited<ReturnType<typeof node>>, two: Awaited<ReturnType<typeof node>>): Promise<void> {
  const far = await member(two.server, two.port, 'r');
  await member(one.server, one.port, 'r');
  expect(await one.server.in('r').count()).toBe(2);
  const heard = nextEvent(two.server, 'serverMessage');
  await one.server.serverSideEmit(new Note(3, 'one'));
  const [object, from] = await heard;
  expect(object).toBeInstanceOf(Note);
  expect([(object as Note).n, from]).toEqual([3, one.server.node]);
  expect(await one.server.to('r').send(new Note(4))).toMatchObject({ delivered: 1, failed: 0 });
  await expect(far.client.receive<Note>({ timeout: 5_000 })).resolves.toMatchObject({ n: 4 });
}

describe('the Redis adapter', () => {
  it('fails listen() with StartFail naming Redis and its address when Redis is down, and binds nothing', async () => {
    const url = redis.url;
    await redis.stop();
    const server = h.server({ adapter: redisAdapter({ url, connectTimeout: 500 }) });
    const error = await expectOonError(server.listen(), 'StartFail', `Redis at ${url} is unreachable`);
    expect(error.message).toMatch(/start Redis or fix the adapter's url/);
    expect(server.listening).toBe(false);
    expect(server.address()).toBeNull();
    // Once Redis is up, the same server starts.
    await redis.start();
    await expect(server.listen()).resolves.toMatchObject({ port: expect.any(Number) });
  });

  it('goes on delivering locally while Redis is down, reports each broadcast the other nodes missed, and recovers when Redis is back', async () => {
    const one = await node();
    const two = await node();
    const near = await member(one.server, one.port, 'r');
    const far = await member(two.server, two.port, 'r');
    expect(await one.server.in('r').count()).toBe(2);

    const published: number[] = [];
    const missed: OonError[] = [];
    let n = 0;
    const send = async (): Promise<void> => {
      const result = await one.server.to('r').send(new Note(n));
      expect(result.delivered).toBe(1); // this node's peer, whatever Redis does
      if (result.cluster === undefined) published.push(n);
      else missed.push(result.cluster);
      n += 1;
    };
    for (let i = 0; i < 20; i++) await send();
    const lost = nextEvent(one.server, 'error', 5_000);
    await redis.stop(true);
    const [lostError] = await lost;
    expect(lostError.code).toBe('BadConn');
    expect(lostError.message).toContain(`lost Redis at ${redis.url}`);
    for (let i = 0; i < 20; i++) await send();
    expect(missed.length).toBeGreaterThanOrEqual(19);
    for (const error of missed) {
      expect(error).toBeInstanceOf(OonError);
      expect(error.code).toBe('BadConn');
      expect(error.message).toMatch(new RegExp(`cannot publish to Redis at ${redis.url}.*the other nodes did not get this broadcast`));
    }
    // The same for what must ask the other nodes.
    await expectOonError(one.server.in('r').count(), 'BadConn', `Redis at ${redis.url} is unreachable`);
    await expectOonError(one.server.serverSideEmit(new Note(0)), 'BadConn', 'the other nodes did not get this server-side message');

    await redis.start();
    // Back: once the other node answers again (its subscription restored, its heartbeat renewed), all goes as before.
    const deadline = Date.now() + 10_000;
    while ((await one.server.in('r').count().catch(() => 0)) !== 2) {
      if (Date.now() > deadline) throw new Error('the cluster did not recover within 10 s of Redis coming back');
      await send();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const recovered = n;
    for (let i = 0; i < 20; i++) await send();
    const marker = await one.server.to('r').send(new Note(-1));
    expect(marker.cluster).toBeUndefined();
    const nearGot = await notesUntilMarker(near.client);
    const farGot = await notesUntilMarker(far.client);
    // This node's peer: every one, in order, Redis or not.
    expect(nearGot).toEqual(Array.from({ length: n }, (_, i) => i));
    // The far one: in order, once each, none reported missed; all from before the loss and after the recovery.
    expect(farGot).toEqual([...new Set(farGot)].sort((x, y) => x - y));
    expect(farGot.filter((x) => !published.includes(x))).toEqual([]);
    expect(farGot.slice(0, 19)).toEqual(Array.from({ length: 19 }, (_, i) => i));
    expect(farGot.filter((x) => x >= recovered)).toEqual(Array.from({ length: n - recovered }, (_, i) => recovered + i));
  }, 30_000);

  it('drops what comes from Redis that does not decode with BadData, and goes on', async () => {
    const { server, port, errors } = await node();
    const { client } = await member(server, port, 'r');
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      // Aimed at a room with no member here: not decoded, so not reported (nothing here wanted it).
      const elsewhere = { rooms: ['elsewhere'], exceptRooms: [], exceptPeers: [] };
      await raw.publish('oon#all', encodeEnvelope({ kind: 'broadcast', node: 'intruder', selection: elsewhere, payload: { ignore: [], schema: 'x', bytes: Buffer.from([1, 2, 3]) } }));
      await raw.publish('oon#all', Buffer.from('not an envelope'));
      await raw.publish('oon#all', Buffer.alloc(2_000_000));
      const selection = { rooms: ['r'], exceptRooms: [], exceptPeers: [] };
      await raw.publish('oon#all', encodeEnvelope({ kind: 'broadcast', node: 'intruder', selection, payload: { ignore: [], schema: 'x', bytes: Buffer.from([1, 2, 3]) } }));
      await waitUntil(() => errors.length >= 3, 5_000, () => 'three BadData errors');
    } finally {
      raw.destroy();
    }
    expect(errors.map((e) => e.code)).toEqual(['BadData', 'BadData', 'BadData']);
    expect(errors[0]?.message).toMatch(/^dropped a message from Redis at redis:\/\/127\.0\.0\.1:\d+: unknown message version 110/);
    expect(errors[1]?.message).toMatch(/over maxMessageBytes \(1048576\)/);
    expect(errors[2]?.message).toMatch(/^dropped a broadcast message from node intruder from Redis at /);
    // The node goes on: a broadcast from another node still arrives.
    const other = await node();
    await other.server.to('r').send(new Note(5));
    await expect(client.receive<Note>({ timeout: 5_000 })).resolves.toMatchObject({ n: 5 });
  });

  it("reaches no room with what a client sends: only the server's own code puts peers in rooms and sends to them", async () => {
    const one = await node();
    const two = await node();
    const far = await member(two.server, two.port, 'r');
    const sender = await h.connectedClient<Note>(one.port);
    const heard: number[] = [];
    one.server.onMessage(Note, (note) => heard.push(note.n));
    await sender.send(new Note(1, 'r'));
    await waitUntil(() => heard.length === 1, 2_000, () => 'the server to hear the client');
    await two.server.to('r').send(new Note(-1));
    expect(await notesUntilMarker(far.client)).toEqual([]);
  });
});

describe('the Redis adapter with sharded pub/sub (SSUBSCRIBE/SPUBLISH) on one Redis 7 server', () => {
  it('shares rooms, counts and server-side messages as with plain pub/sub', async () => {
    const one = await node({ sharded: true });
    const two = await node({ sharded: true });
    await expectSharing(one, two);
  });
});

describe('the Redis adapter on a Redis Cluster of three shards (sharded pub/sub)', () => {
  it('shares rooms, counts and server-side messages between nodes given some of its nodes', async () => {
    const shards = await redises.startCluster(3);
    const clusterNodes = [shards[0]!.url];
    const one = await node({ clusterNodes });
    const two = await node({ clusterNodes: [shards[2]!.url] });
    await expectSharing(one, two);
    expect(await two.server.except([]).count()).toBe(2); // everyone, on every node
    expect([...one.errors, ...two.errors]).toEqual([]);
  });
});

describe("another node's peers", () => {
  it('come from peers() as RemotePeers with their node, rooms, link state and JSON copies of data and identity, and except() takes them', async () => {
    const one = await node();
    const { server: two, port } = await h.listeningServer<Join | Note>({
      adapter: redisAdapter({ url: redis.url, ...FAST }),
      auth: (token) => ({ name: String(token) }),
    });
    two.on('connection', (peer) => {
      peer.data.score = 7;
      peer.data.seen = new Set(['x']); // JSON cannot carry a Set's members
      peer.join(['r', 'vip']);
    });
    const joined = nextEvent(two, 'connection');
    const ann = await h.connectedClient<Note>(port, { token: 'ann' });
    await joined;
    const near = await member(one.server, one.port, 'r');
    const peers = await one.server.in('r').peers();
    const remote = peers.filter((p) => !(p instanceof Peer));
    expect(remote).toEqual([{ id: expect.any(String), node: two.node, rooms: new Set(['r', 'vip']), connected: true, data: { score: 7, seen: {} }, identity: { name: 'ann' }, send: expect.any(Function) }]);
    expect(peers.filter((p) => p instanceof Peer)).toEqual([near.peer]);
    // Leaving the remote peer out from this node: only this node's member gets it.
    const result = await one.server.to('r').except(remote[0]!).send(new Note(1));
    expect(result).toMatchObject({ delivered: 1 });
    await two.to('r').send(new Note(-1));
    expect(await notesUntilMarker(ann)).toEqual([]);
    expect((await near.client.receive<Note>({ timeout: 5_000 })).n).toBe(1);
  });
});
