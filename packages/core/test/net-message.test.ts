import { NetMessage, newMessageId } from '@oon/core';
import { Car } from '../../../examples/cars/src/cars';

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

describe('NetMessage', () => {
  describe('constructor', () => {
    it('gives a fresh 10-character lowercase hex uuid and an empty ignore list by default', () => {
      const car = new Car();
      const message = new NetMessage(car);
      expect(message.object).toBe(car);
      expect(message.uuid).toMatch(/^[0-9a-f]{10}$/);
      expect(message.ignore).toEqual([]);
    });

    it('gives each message its own uuid', () => {
      const uuids = new Set(Array.from({ length: 50 }, () => new NetMessage(new Car()).uuid));
      expect(uuids.size).toBe(50);
    });

    it('keeps the uuid and ignore list given', () => {
      const message = new NetMessage(new Car(), { uuid: '0123456789', ignore: ['speed', 'car_inside'] });
      expect(message.uuid).toBe('0123456789');
      expect(message.ignore).toEqual(['speed', 'car_inside']);
    });
  });
});
