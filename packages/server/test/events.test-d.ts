/**
 * Type test, not a jest file: checked by `tsc -p tsconfig.test.json`, never run.
 * Each `@ts-expect-error` must meet an error, so the listener types cannot quietly
 * widen to `any` or `object` without this file failing to compile.
 */
import type { AddressInfo } from 'node:net';
import type { ErrorCode, NetMessage, OonError } from '@oon/core';
import { OonServer, Peer, type BroadcastOperator, type BroadcastResult, type DisconnectReason, type PeerRef, type RemotePeer } from '@oon/server';
import { FordTruck, VolvoCar } from '../../../examples/cars/src/cars';

export function serverEventTypes(): void {
  const server = new OonServer<FordTruck>({ port: 0 });

  server.on('message', (m, peer, message) => {
    const truck: FordTruck = m;
    truck.showInfo();
    m.showInfo();
    const from: Peer = peer;
    const carried: NetMessage<FordTruck> = message;
    const uuid: string = message.uuid;
    const same: FordTruck = message.object;
    void [from, carried, uuid, same];
    // @ts-expect-error m is a FordTruck, not any: it has no wheels
    void m.wheels;
  });
  server.once('message', (m) => m.trailer?.carInside?.showInfo());
  server.on('rejected', (rejection, peer) => {
    const who: Peer = peer;
    const id: string | undefined = rejection.id;
    const className: string | undefined = rejection.className;
    const why: ErrorCode = rejection.error.code;
    void [who, id, className, why];
  });
  // @ts-expect-error the rejection comes first, then the peer
  server.on('rejected', (peer: Peer) => void peer);
  server.on('connection', async (peer) => {
    const volvo: VolvoCar = await peer.request(new FordTruck(), { reply: VolvoCar });
    // @ts-expect-error the reply is checked to be a VolvoCar, which is no FordTruck
    const truck: FordTruck = await peer.request(new FordTruck(), { reply: VolvoCar });
    void [volvo, truck];
  });
  server.on('connection', (peer) => void peer.send(new VolvoCar()));
  server.on('disconnect', (peer, reason) => {
    const who: Peer = peer;
    const why: DisconnectReason = reason;
    void [who, why];
  });
  server.on('loss', (count, peer) => {
    const lost: number = count;
    const who: Peer = peer;
    void [lost, who];
  });
  server.on('away', (peer, reason, error) => {
    const who: Peer = peer;
    const why: DisconnectReason = reason;
    const what: OonError | undefined = error;
    void [who, why, what];
  });
  server.on('reconnect', (peer, awayMs) => {
    const who: Peer = peer;
    const away: number = awayMs;
    void [who, away];
  });
  // @ts-expect-error the away error may be undefined (a clean close has none)
  server.on('away', (peer: Peer, reason: DisconnectReason, error: OonError) => void [peer, reason, error]);
  // @ts-expect-error reconnect gives how long the peer was away as a number of ms
  server.on('reconnect', (peer: Peer, awayMs: string) => void [peer, awayMs]);
  // @ts-expect-error presence has away, reconnect and disconnect; there is no 'back'
  server.on('back', () => {});
  // @ts-expect-error loss names the count first, then the peer
  server.on('loss', (peer: Peer, count: number) => void [peer, count]);
  server.on('error', (err, peer) => {
    const error: OonError = err;
    const code: ErrorCode = err.code;
    const maybe: Peer | undefined = peer;
    void [error, code, maybe];
  });
  server.on('listening', (address) => {
    const bound: AddressInfo = address;
    const port: number = address.port;
    void [bound, port];
  });
  server.on('close', () => {});

  // @ts-expect-error no such event
  server.on('mesage', () => {});
  // @ts-expect-error no such event
  server.on('data', () => {});
  // @ts-expect-error this server's messages are FordTrucks, not strings
  server.on('message', (m: string) => void m);
  // @ts-expect-error a FordTruck is not a VolvoCar (no wheels)
  server.on('message', (m: VolvoCar) => void m);
  // @ts-expect-error the error event's peer may be undefined (a failed handshake has none)
  server.on('error', (err: OonError, peer: Peer) => void [err, peer]);
  // @ts-expect-error the disconnect reason is a DisconnectReason, not a number
  server.on('disconnect', (peer: Peer, reason: number) => void [peer, reason]);
  // @ts-expect-error emitting a message needs the peer and the NetMessage too
  server.emit('message', new FordTruck());

  // Without a type argument, messages are plain objects: no methods to call.
  new OonServer({ port: 0 }).on('message', (m) => {
    const anything: object = m;
    void anything;
    // @ts-expect-error m is only an object
    m.showInfo();
  });
}

/** `peer.data`, `peer.identity` and rooms, typed by the server's type parameters. */
export function peerStateTypes(): void {
  interface User {
    readonly id: string;
  }
  interface Game {
    score?: number;
  }
  const server = new OonServer<FordTruck, Game, User>({ port: 0, auth: async (token) => (token === 'ok' ? { id: 'u1' } : false) });
  server.on('connection', (peer) => {
    const who: User | undefined = peer.identity;
    const id: string | undefined = peer.identity?.id;
    peer.data.score = 1;
    const score: number | undefined = peer.data.score;
    peer.join('lobby');
    peer.join(['a', 'b']);
    peer.leave('a');
    const rooms: ReadonlySet<string> = peer.rooms;
    void [who, id, score, rooms];
    // @ts-expect-error identity may be undefined (auth resolved to true, or no auth)
    const sure: User = peer.identity;
    // @ts-expect-error Game has no name
    peer.data.name = 'x';
    // @ts-expect-error a room is a string
    peer.join(42);
    void sure;
  });
  server.on('message', (truck, peer) => {
    const score: number | undefined = peer.data.score;
    const id: string | undefined = peer.identity?.id;
    void [truck, score, id];
  });
  server.on('disconnect', (peer) => void peer.data.score);
  server.handle(FordTruck, (truck, peer) => {
    void peer.identity?.id;
    return truck;
  });
  server.onMessage(VolvoCar, (car, peer) => void peer.data.score);

  // Broadcasts aimed by room resolve with the same result as broadcast(), typed with the server's peers.
  void (async () => {
    const aimed: BroadcastResult<Game, User> = await server.to('lobby').except('muted').send(new VolvoCar());
    const all: BroadcastResult<Game, User> = await server.broadcast(new VolvoCar());
    const failed: Peer<Game, User> | undefined = aimed.failures[0]?.peer;
    const operator: BroadcastOperator<Game, User> = server.in(['a', 'b']);
    // Cluster-wide: this node's Peers and other nodes' RemotePeers, both typed with the server's Data and Identity.
    const peers: PeerRef<Game, User>[] = await operator.peers();
    const count: number = await server.in('lobby').count();
    const first = peers[0];
    if (first !== undefined) void server.except(first).send(new VolvoCar());
    const remote = peers.find((p): p is RemotePeer<Game, User> => !(p instanceof Peer));
    const score: number | undefined = remote?.data?.score;
    const node: string | undefined = remote?.node;
    const ids: Array<string | undefined> = peers.map((p) => p.identity?.id);
    void [all, failed, count, score, node, ids, aimed.cluster?.code];
  })();

  // @ts-expect-error auth resolves to a User (or a boolean), not a string
  new OonServer<FordTruck, Game, User>({ auth: () => 'u1' });
  // Existing type parameters keep working: one, or none.
  const plain = new OonServer<FordTruck>({ port: 0, auth: () => true });
  plain.on('connection', (peer) => {
    const untyped: unknown = peer.data['anything'];
    const identity: object | undefined = peer.identity;
    void [untyped, identity];
  });
}
