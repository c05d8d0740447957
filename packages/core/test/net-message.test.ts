import { newMessageId } from '@oon/core';

describe('newMessageId', () => {
  it('stays 10 lowercase hex characters, all different, across refills of its pool of random bytes', () => {
    // 3,000 ids draw from three pools of 1,024; 40 random bits make a repeat about 1 in 250,000.
    const ids = Array.from({ length: 3_000 }, () => newMessageId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{10}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses every hex digit, so no byte value is mapped wrong', () => {
    const digits = new Set(Array.from({ length: 200 }, () => newMessageId()).join(''));
    expect([...digits].sort().join('')).toBe('0123456789abcdef');
  });
});
