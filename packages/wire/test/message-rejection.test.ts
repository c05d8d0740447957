import { BadDataError, NetClass, NetField, NetMessage, Registry, TimeoutError } from '@oon/core';
import { BinaryCodec, JsonCodec } from '@oon/wire';
import { FrameKind } from '../src/framing/constants';
import { errorReport, readErrorReport } from '../src/rpc/error-report';
import { FrameDecoder } from '../src/framing/frame-decoder';
import { readMessage, readRejection, rejectedFrame, Unreadable } from '../src/connection/message-rejection';

const registry = new Registry();

@NetClass({ registry, name: 'rej.Car' })
class Car {
  @NetField() speed: number = 0;
}

const other = new Registry();

/** The payload of the one frame in `frame`. */
function payloadOf(frame: Uint8Array): { kind: number; payload: Buffer } {
  let found: { kind: number; payload: Buffer } | undefined;
  new FrameDecoder().push(frame, (kind, payload) => (found = { kind, payload: Buffer.from(payload) }));
  return found as { kind: number; payload: Buffer };
}

describe.each([
  ['binary', () => new BinaryCodec({ registry }), () => new BinaryCodec({ registry: other })],
  ['json', () => new JsonCodec({ registry }), () => new JsonCodec({ registry: other })],
])('readMessage with the %s codec', (_name, sender, receiver) => {
  const payload = Buffer.from(sender().encode(new NetMessage(new Car(), { uuid: 'car-1' })));

  it('decodes a readable payload into its message', () => {
    const message = readMessage(sender(), payload, 0, payload.length);
    expect(message).toBeInstanceOf(NetMessage);
    expect((message as NetMessage).object).toBeInstanceOf(Car);
  });

  it('returns an unreadable one, with its id and class, instead of throwing', () => {
    const result = readMessage(receiver(), payload, 0, payload.length);
    expect(result).toBeInstanceOf(Unreadable);
    const { error, head } = result as Unreadable;
    expect(error).toBeInstanceOf(BadDataError);
    expect(error.message).toMatch(/unknown class `rej\.Car`/);
    expect(head).toEqual({ id: 'car-1', className: 'rej.Car' });
  });

  it('names as much of the head as a payload cut anywhere still holds, and never throws', () => {
    for (let cut = 0; cut < payload.length; cut++) {
      const result = readMessage(sender(), payload, 0, cut);
      expect(result).toBeInstanceOf(Unreadable);
      const { head } = result as Unreadable;
      expect([undefined, 'car-1']).toContain(head.id);
      expect([undefined, 'rej.Car']).toContain(head.className);
    }
  });
});

describe('the Rejected frame', () => {
  it('carries the id, class, code and message, and reads back as a rejection from the peer', () => {
    const { kind, payload } = payloadOf(rejectedFrame({ id: 'o-1', className: 'Order' }, new BadDataError('Order.qty fails min')));
    expect(kind).toBe(FrameKind.Rejected);
    expect(JSON.parse(payload.toString('utf8'))).toEqual({ id: 'o-1', class: 'Order', code: 'BadData', message: 'Order.qty fails min' });
    const rejection = readRejection(payload, '10.0.0.1:9090');
    expect(rejection.id).toBe('o-1');
    expect(rejection.className).toBe('Order');
    expect(rejection.error).toBeInstanceOf(BadDataError);
    expect(rejection.error.message).toBe('10.0.0.1:9090 could not read the Order message `o-1` and dropped it: Order.qty fails min');
  });

  it('leaves out what the receiver could not read, and cuts what is long', () => {
    const { payload } = payloadOf(rejectedFrame({}, new BadDataError('x'.repeat(5_000))));
    const report = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['code', 'message']);
    expect(report['message']).toMatch(/^x{2000}… \(3000 more characters\)$/);
    expect(readRejection(payload, 'p').error.message).toMatch(/^p could not read a message and dropped it: x{2000}…/);
  });

  it.each([
    ['garbage', Buffer.from('{not json')],
    ['an array', Buffer.from('[1, 2]')],
    ['wrong types', Buffer.from('{"id": 5, "class": ["A"], "code": "Nope", "message": 7}')],
  ])('still reads as a rejection when the peer sends %s', (_name, payload) => {
    const rejection = readRejection(payload, 'p');
    expect(rejection.id).toBeUndefined();
    expect(rejection.className).toBeUndefined();
    expect(rejection.error.code).toBe('BadData');
    expect(rejection.error.message).toBe('p could not read a message and dropped it: no reason given');
  });
});

describe('error reports', () => {
  it('carry an appCode and JSON details both ways', () => {
    const text = errorReport('Timeout', 'slow bank', { appCode: 'BANK', details: { tries: [1, 2], note: null } });
    expect(readErrorReport(Buffer.from(text))).toEqual({ code: 'Timeout', message: 'slow bank', appCode: 'BANK', details: { tries: [1, 2], note: null } });
  });

  it('leave out details JSON cannot hold, saying why', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    const report = readErrorReport(Buffer.from(errorReport('BadData', 'no', { appCode: 'X', details: cycle as never })));
    expect(report.appCode).toBe('X');
    expect(report.details).toBeUndefined();
    expect(report.message).toMatch(/^no \(its details were left out: .*circular/i);
  });

  it('stay as they were without app fields', () => {
    expect(errorReport('BadConn', 'gone')).toBe('{"code":"BadConn","message":"gone"}');
    expect(readErrorReport(Buffer.from('{"code":"BadConn","message":"gone"}'))).toEqual({ code: 'BadConn', message: 'gone' });
  });

  it('are what a TimeoutError with app fields gives', () => {
    const err = new TimeoutError('t', { appCode: 'A', details: [1] });
    expect([err.code, err.appCode, err.details]).toEqual(['Timeout', 'A', [1]]);
  });
});
