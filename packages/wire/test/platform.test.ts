import { createHash } from 'node:crypto';
import { randomBytes, randomUuid } from '../src/platform/crypto';
import { fromBase64, toBase64, utf8Bytes, utf8Length } from '../src/platform/bytes';
import { sha256Hex } from '../src/platform/sha256';

describe('sha256Hex', () => {
  it('is SHA-256, for every length around the block and padding edges', () => {
    const data = Buffer.from(randomBytes(300));
    for (const length of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300]) {
      const part = data.subarray(0, length);
      expect(sha256Hex(part)).toBe(createHash('sha256').update(part).digest('hex'));
    }
  });

  it('hashes the UTF-8 of text as node:crypto does', () => {
    const text = 'schema: Fahrzeug 🚚, Straße';
    expect(sha256Hex(utf8Bytes(text))).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});

describe('randomUuid', () => {
  it('is a version 4 UUID, different each time', () => {
    const a = randomUuid();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomUuid()).not.toBe(a);
  });
});

describe('bytes', () => {
  it('measures and writes UTF-8 as Buffer does', () => {
    for (const text of ['', 'abc', 'é', '€uro', '🚚', 'lone \ud800 surrogate', 'x'.repeat(100)]) {
      expect(utf8Length(text)).toBe(Buffer.byteLength(text));
      expect(Buffer.from(utf8Bytes(text)).equals(Buffer.from(text))).toBe(true);
    }
  });

  it('round-trips base64', () => {
    const bytes = randomBytes(1000);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(Buffer.from(fromBase64(toBase64(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });
});
