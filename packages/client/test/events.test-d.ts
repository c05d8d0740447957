/**
 * Type test, not a jest file: checked by `tsc -p tsconfig.test.json`, never run.
 * Each `@ts-expect-error` must meet an error, so the listener types cannot quietly
 * widen to `any` or `object` without this file failing to compile.
 */
import type { ErrorCode, JsonValue, NetMessage, OonError } from '@oon/core';
import { OonClient, type DisconnectReason, type MessageRejection } from '@oon/client';
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

  client.on('rejected', (rejection) => {
    const id: string | undefined = rejection.id;
    const className: string | undefined = rejection.className;
    const why: OonError = rejection.error;
    void [id, className, why];
    // @ts-expect-error the id may be unset (the server could not read it)
    const sure: string = rejection.id;
    void sure;
  });
  // @ts-expect-error rejected carries one rejection, no peer on a client
  client.on('rejected', (rejection: MessageRejection, peer: string) => void [rejection, peer]);

  client.on('error', (err) => {
    const app: string | undefined = err.appCode;
    const details: JsonValue | undefined = err.details;
    void [app, details];
  });
}

/** `request(…, { reply })` types its promise by the reply class; without it, by the caller's word. */
export async function requestTypes(client: OonClient): Promise<void> {
  const volvo: VolvoCar = await client.request(new FordTruck(), { reply: VolvoCar, timeout: 1_000 });
  volvo.showInfo();
  void volvo.wheels;
  // @ts-expect-error the reply is checked to be a VolvoCar, which is no FordTruck (no trailer)
  const truck: FordTruck = await client.request(new FordTruck(), { reply: VolvoCar });
  // @ts-expect-error reply is a class, not an instance
  await client.request(new FordTruck(), { reply: new VolvoCar() });
  // @ts-expect-error a type argument cannot contradict the reply class
  await client.request<FordTruck>(new FordTruck(), { reply: VolvoCar });
  const unchecked: FordTruck = await client.request<FordTruck>(new FordTruck(), { timeout: 1_000 });
  const anything: object = await client.request(new FordTruck());
  // @ts-expect-error without reply (or a type argument) the reply is only an object
  void (await client.request(new FordTruck())).speed;
  void [truck, unchecked, anything];
}

export function clientMessageTypes(): void {
  // Without a type argument, messages are plain objects: no methods to call.
  new OonClient({ port: 9090 }).on('message', (m) => {
    const anything: object = m;
    void anything;
    // @ts-expect-error m is only an object
    m.showInfo();
  });
}
