/**
 * What nodes say to each other through Redis (src/envelope.ts): read back as written, and
 * anything else (another version or kind, a cut or oversized message, a header of the
 * wrong shape) refused with `BadData` naming what is wrong, before anything is delivered.
 */
import { BadDataError } from '@oon/core';
import { compareLogIds, decodeEnvelope, encodeEnvelope, type Envelope } from '../src/envelope';

const selection = { rooms: ['r'], exceptRooms: ['muted'], exceptPeers: ['n1/p1'] };
const payload = { ignore: ['secret'], schema: 'abc', bytes: Buffer.from([1, 2, 3]) };

function header(kind: number, json: string, tail: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt8(1, 0);
  head.writeUInt8(kind, 1);
  head.writeUInt32BE(Buffer.byteLength(json), 2);
  return Buffer.concat([head, Buffer.from(json), tail]);
}

function refusal(message: Buffer, maxBytes = 1024): string {
  try {
    decodeEnvelope(message, maxBytes);
  } catch (err) {
    expect(err).toBeInstanceOf(BadDataError);
    return (err as BadDataError).message;
  }
  throw new Error('decoded');
}

describe('decodeEnvelope()', () => {
  it.each<Envelope>([
    { kind: 'broadcast', node: 'n1', selection, payload },
    { kind: 'broadcast', node: 'n1', selection: { ...selection, exceptSessions: ['s-1'] }, payload },
    { kind: 'server', node: 'n1', payload },
    { kind: 'request', node: 'n1', request: 'q1', countOnly: true, selection },
    { kind: 'reply', node: 'n2', request: 'q1', count: 0, peers: [{ id: 'p', node: 'n2', rooms: ['r'], connected: false, data: { a: 1 } }] },
    { kind: 'reply', node: 'n2', request: 'q1', count: 0, peers: [{ id: 'p', node: 'n2', rooms: [], connected: true, session: 's-1' }] },
    { kind: 'leave', node: 'n1' },
    { kind: 'moved', node: 'n2', session: 's-1' },
    { kind: 'direct', node: 'n1', request: 'q2', peer: 'p1', payload },
    { kind: 'direct', node: 'n1', request: 'q2', peer: 'p1', session: 's-1', payload },
    { kind: 'sent', node: 'n2', request: 'q2' },
    { kind: 'sent', node: 'n2', request: 'q2', error: { code: 'BadConn', message: 'peer p1 is not on node n2: it is gone' }, missing: true },
    { kind: 'sent', node: 'n2', request: 'q2', error: { code: 'BadConn', message: 'peer p1 is not on node n2: it is gone' } },
  ])('reads back a $kind message as it was written', (envelope) => {
    const decoded = decodeEnvelope(encodeEnvelope(envelope), 1024);
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(envelope)));
  });

  it('refuses, with BadData naming what is wrong, anything not written so', () => {
    expect(refusal(Buffer.alloc(2000), 1024)).toBe('a message of 2000 bytes is over maxMessageBytes (1024)');
    expect(refusal(Buffer.from([1, 0]))).toBe('a message of 2 bytes is shorter than its 6-byte head');
    expect(refusal(Buffer.from('hello world'))).toBe('unknown message version 104 (this node reads version 1)');
    expect(refusal(header(9, '{}'))).toBe('unknown message kind 9');
    expect(refusal(header(0, '{"node":"n"}').subarray(0, 10))).toBe("the header runs past the message's 10 bytes");
    expect(refusal(header(0, '{nope'))).toMatch(/^the header is not JSON: /);
    expect(refusal(header(0, '[1]'))).toBe('the broadcast header is not an object');
    expect(refusal(header(1, '{"node":7}'))).toBe('field node of a server message is not a string');
    expect(refusal(header(0, '{"node":"n","selection":{"rooms":[1],"exceptRooms":[],"exceptPeers":[]}}'))).toBe(
      "field rooms of a broadcast's selection message is not an array of strings",
    );
    expect(refusal(header(0, '{"node":"n","selection":{"rooms":[],"exceptRooms":[],"exceptPeers":[],"exceptSessions":"s-1"}}'))).toBe(
      "field exceptSessions of a broadcast's selection message is not an array",
    );
    expect(refusal(header(3, '{"node":"n","request":"q","count":-1,"peers":[]}'))).toBe('field count of a reply message is not a count');
    expect(refusal(header(3, '{"node":"n","request":"q","count":0,"peers":[{"id":"p"}]}'))).toBe("field node of a reply's peer message is not a string");
    expect(refusal(header(6, '{"node":"n","request":"q","ignore":[],"schema":"s"}'))).toBe('field peer of a direct message is not a string');
    expect(refusal(header(6, '{"node":"n","request":"q","peer":"p","session":7,"ignore":[],"schema":"s"}'))).toBe('field session of a direct message is not a string');
    expect(refusal(header(7, '{"node":"n","request":"q","missing":"yes"}'))).toBe('field missing of a sent message is not a boolean');
    expect(refusal(header(7, '{"node":"n","request":"q","error":{"code":"Oops","message":"m"}}'))).toBe("field code of a sent message's error is not an OON error code: \"Oops\"");
    expect(refusal(header(7, '{"node":"n","request":"q","error":{"code":"BadConn"}}'))).toBe("field message of a sent's error message is not a string");
  });

  it('reads a logged broadcast (its log id in front, as the logging script writes it) with its id; refuses a bad id or a logged message that is not a broadcast', () => {
    const broadcast: Envelope = { kind: 'broadcast', node: 'n1', selection, payload };
    const logged = (id: string, inner: Buffer): Buffer => Buffer.concat([Buffer.from([1, 255, 0, 0, 0, id.length]), Buffer.from(id, 'latin1'), inner]);
    expect(decodeEnvelope(logged('1700000000000-3', encodeEnvelope(broadcast)), 1024)).toEqual({ ...broadcast, log: '1700000000000-3' });
    expect(refusal(logged('17x-3', encodeEnvelope(broadcast)))).toBe('a logged broadcast has a log id that is not a stream entry id');
    expect(refusal(logged('1-1', encodeEnvelope({ kind: 'leave', node: 'n1' })))).toBe('a logged message holds a leave message, not a broadcast');
  });
});

describe('compareLogIds()', () => {
  it('orders stream ids by their time, then their sequence, as numbers', () => {
    expect(compareLogIds('10-0', '9-5')).toBeGreaterThan(0);
    expect(compareLogIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareLogIds('10-2', '10-2')).toBe(0);
  });
});
