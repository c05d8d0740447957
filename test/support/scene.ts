/**
 * A stage for hostile-peer tests: a server that echoes every object back, with an honest
 * client connected, and a record of everything the server reported. A test lets a hostile
 * peer loose, then checks that the honest client never noticed.
 */
import type { OonError } from '@oon/core';
import type { OonServer, OonServerOptions, Peer } from '@oon/server';
import type { OonClient, OonClientOptions } from '@oon/client';
import { FrameKind } from '@oon/wire';
import { VolvoCar } from '../../examples/cars/src/cars';
import { decodeFrames, nextEvent, type Harness } from './harness';

/** An echo server, an honest client, and what the server reported. */
export interface Scene {
  server: OonServer;
  port: number;
  honest: OonClient<VolvoCar>;
  /** Every 'error' event the server emitted, in order. */
  errors: Array<[OonError, Peer | undefined]>;
  /** Every 'disconnect' event the server emitted, in order. */
  disconnects: Array<[Peer, string]>;
  /** Everything the honest client heard besides messages (it should hear nothing). */
  honestTroubles: unknown[];
}

/** Starts an echo server with `options` and connects an honest client (with `clientOptions`). */
export async function echoScene(h: Harness, options: OonServerOptions = {}, clientOptions: OonClientOptions = {}): Promise<Scene> {
  const { server, port } = await h.listeningServer(options);
  const errors: Scene['errors'] = [];
  const disconnects: Scene['disconnects'] = [];
  server.on('error', (err, peer) => errors.push([err, peer]));
  server.on('disconnect', (peer, reason) => disconnects.push([peer, reason]));
  server.on('message', (object, peer) => void peer.send(object).catch(() => {}));
  const honest = await h.connectedClient<VolvoCar>(port, clientOptions);
  const honestTroubles: unknown[] = [];
  honest.on('error', (err) => honestTroubles.push(err));
  honest.on('disconnect', (reason) => honestTroubles.push(reason));
  return { server, port, honest, errors, disconnects, honestTroubles };
}

/** The honest client sends a car and gets it back, a real VolvoCar with its values. */
export async function roundTrip(client: OonClient<VolvoCar>, speed: number): Promise<void> {
  const echoed = nextEvent(client, 'message');
  await client.send(new VolvoCar(speed, 6));
  const [car] = await echoed;
  expect(car).toBeInstanceOf(VolvoCar);
  expect(car.speed).toBe(speed);
  expect(car.wheels).toBe(6);
}

/** The last Error frame in what a raw peer received, as its `{code, message}` report. */
export function lastErrorReport(received: Buffer): { code: unknown; message: unknown } | undefined {
  const frame = decodeFrames(received).filter((f) => f.kind === FrameKind.Error).at(-1);
  return frame === undefined ? undefined : (JSON.parse(frame.payload.toString('utf8')) as { code: unknown; message: unknown });
}
