import { encodeFrame, FrameKind } from '@oon/wire';
import { sniffForeignProtocol } from '@oon/wire/internal';

describe('sniffForeignProtocol', () => {
  it.each([
    ['GET / HTTP/1.1', /^HTTP request on an OON port/],
    ['POST /x HTTP/1.1', /^HTTP request on an OON port/],
    ['HEAD / HTTP/1.0', /^HTTP request on an OON port/],
    ['HTTP/1.1 400 Bad Request', /^HTTP response from the peer/],
    ['{"head": {"uuid"', /^origin oon 0\.0\.5 peer: use protocol 'oon-0\.0\.5'/],
    ['SSH-2.0-OpenSSH', /^SSH client/],
  ])('names %j', (text, expected) => {
    expect(sniffForeignProtocol(Buffer.from(text).subarray(0, 8))).toMatch(expected);
  });

  it('names a TLS record from its first two bytes', () => {
    expect(sniffForeignProtocol(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]))).toMatch(/^TLS client on a plain port/);
  });

  it('names nothing for OON frames, random bytes, or too little to tell', () => {
    expect(sniffForeignProtocol(encodeFrame(FrameKind.Hello, '{}').subarray(0, 8))).toBeUndefined();
    expect(sniffForeignProtocol(Buffer.from('ffffffff01', 'hex'))).toBeUndefined();
    expect(sniffForeignProtocol(Buffer.from('G'))).toBeUndefined();
    expect(sniffForeignProtocol(Buffer.from('GE'))).toBeUndefined();
  });
});
