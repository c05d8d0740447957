/**
 * Type test, not a jest file: checked by `tsc -p tsconfig.test.json`, never run.
 * Each `@ts-expect-error` must meet an error, so the listener types cannot quietly
 * widen to `any` or `object` without this file failing to compile.
 */
import type { AddressInfo } from 'node:net';
import type { ErrorCode, NetMessage, OonError } from '@oon/core';
import { OonServer, type DisconnectReason, type Peer } from '@oon/server';
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
