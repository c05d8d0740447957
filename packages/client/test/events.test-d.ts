/**
 * Type test, not a jest file: checked by `tsc -p tsconfig.test.json`, never run.
 * Each `@ts-expect-error` must meet an error, so the listener types cannot quietly
 * widen to `any` or `object` without this file failing to compile.
 */
import type { ErrorCode, NetMessage, OonError } from '@oon/core';
import { OonClient, type DisconnectReason } from '@oon/client';
import { FordTruck, VolvoCar } from '../../../examples/cars/src/cars';

export function clientEventTypes(): void {
  const client = new OonClient<FordTruck>({ port: 9090 });

  client.on('message', (m, message) => {
    const truck: FordTruck = m;
    truck.showInfo();
    m.showInfo();
    const carried: NetMessage<FordTruck> = message;
    const same: FordTruck = message.object;
    const uuid: string = message.uuid;
    void [carried, same, uuid];
    // @ts-expect-error m is a FordTruck, not any: it has no wheels
    void m.wheels;
  });
  client.once('message', (m) => m.trailer?.carInside?.showInfo());
  client.on('connect', () => void client.send(new VolvoCar()));
  client.on('disconnect', (reason, error) => {
    const why: DisconnectReason = reason;
    const what: OonError | undefined = error;
    void [why, what];
  });
  client.on('error', (err) => {
    const code: ErrorCode = err.code;
    void code;
  });

  client.on('reconnecting', (attempt, delay) => {
    const both: number = attempt + delay;
    void both;
  });
  client.on('reconnect', (info) => {
    const resumed: boolean = info.resumed;
    const counts: number = info.attempts + info.resent;
    void [resumed, counts];
  });
  client.on('loss', (count) => {
    const lost: number = count;
    void lost;
  });
  void client.request<FordTruck>(new VolvoCar(), { timeout: 1_000, waitForReconnect: false }).then((truck) => truck.showInfo());
  // @ts-expect-error waitForReconnect is a boolean
  void client.request(new VolvoCar(), { waitForReconnect: 'yes' });
  const status: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed' = client.status;
  void status;
  // @ts-expect-error loss carries a count, not a list
  client.on('loss', (count: unknown[]) => void count);
  // @ts-expect-error reconnect is an object of figures, not a boolean
  client.on('reconnect', (info: boolean) => void info);

  // @ts-expect-error no such event
  client.on('connection', () => {});
  // @ts-expect-error no such event
  client.on('close', () => {});
  // @ts-expect-error this client's messages are FordTrucks, not strings
  client.on('message', (m: string) => void m);
  // @ts-expect-error a FordTruck is not a VolvoCar (no wheels)
  client.on('message', (m: VolvoCar) => void m);
  // @ts-expect-error the disconnect error may be undefined (a clean close has none)
  client.on('disconnect', (reason: DisconnectReason, error: OonError) => void [reason, error]);
  // @ts-expect-error connect carries no arguments
  client.emit('connect', 1);

  // Without a type argument, messages are plain objects: no methods to call.
  new OonClient({ port: 9090 }).on('message', (m) => {
    const anything: object = m;
    void anything;
    // @ts-expect-error m is only an object
    m.showInfo();
  });
}
