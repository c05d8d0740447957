import { BadDataError, NetClass, NetField, NetMessage, OonError, Registry, t } from '@oon/core';
import { BinaryCodec } from '@oon/wire';

const registry = new Registry();

@NetClass({ registry })
class Car {
  @NetField(t.string) name = '';
  @NetField(t.number) speed: number | null = null;
  @NetField(t.boolean) fast = false;
}

@NetClass({ registry })
class Garage {
  @NetField(() => [Car]) cars: Car[] = [];
  @NetField(() => t.map(String, t.set(t.date))) visits = new Map<string, Set<Date>>();
  @NetField(t.optional(t.bigint)) budget?: bigint;
  @NetField(t.bytes) logo: Uint8Array | null = null;
  @NetField(t.json) notes: unknown = null;
}

@NetClass({ registry, name: 'Other' })
class Other {
  @NetField(t.int) n = 0;
}

/** Runs `fn`, expecting `BadData`, and returns the error after checking each message fragment. */
function expectBadData(fn: () => unknown, ...fragments: string[]): BadDataError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(BadDataError);
  const err = caught as BadDataError;
  expect(err.code).toBe('BadData');
  for (const fragment of fragments) expect(err.message).toContain(fragment);
  return err;
}

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

function car(name: string, speed: number | null, fast: boolean): Car {
  return Object.assign(new Car(), { name, speed, fast });
}

function garage(): Garage {
  return Object.assign(new Garage(), {
    cars: [car('volvo', 35, true), car('ford', -2.5, false), car('', null, false)],
    visits: new Map([['mon', new Set([new Date(86_400_000)])]]),
    budget: 2n ** 70n,
    logo: Buffer.from([1, 2, 3]),
    notes: { a: [1, 'x', null] },
  });
}

describe('BinaryCodec', () => {
  const codec = new BinaryCodec({ registry });

  it('is named binary', () => {
    expect(codec.name).toBe('binary');
  });

  describe('encode', () => {
    it('writes [version][uuid][object tag][class name once][field count][tagged fields]', () => {
      const bytes = codec.encode(new NetMessage(car('volvo', 35, true), { uuid: 'ab' }));
      expect(Buffer.from(bytes).toString('hex')).toBe(
        hex(`01  02 6162
             03  00 03 436172 03
             03 05 766f6c766f  03 46  04`).toString('hex'),
      );
    });

    it('names a class once per message and refers to it by number after', () => {
      const two = Object.assign(new Garage(), { cars: [car('a', 1, false), car('b', 2.5, true)] });
      const bytes = Buffer.from(codec.encode(new NetMessage(two, { uuid: '' })));
      expect(bytes.toString('latin1').split('Car').length - 1).toBe(1);
      // The second Car: object tag 3, class number 2 (Garage is 1, Car 2).
      expect(bytes.includes(hex('03 02 03 01 62 04 0000000000000440 04'))).toBe(true);
    });

    it('writes a number as a zigzag varint when it is a 32-bit integer, else as float64 (-0 included)', () => {
      const encoded = (speed: number): string => Buffer.from(codec.encode(new NetMessage(car('', speed, false), { uuid: '' }))).toString('hex');
      // name '' (03 00), then speed, then fast = false (03).
      expect(encoded(-1).endsWith('0300' + '0301' + '03')).toBe(true);
      expect(encoded(-70).endsWith('0300' + '038b01' + '03')).toBe(true);
      expect(encoded(2 ** 31).endsWith('0300' + '04000000000000e041' + '03')).toBe(true);
      expect(encoded(-0).endsWith('0300' + '040000000000000080' + '03')).toBe(true);
    });

    it('refuses a value of the wrong type, naming its path', () => {
      const bad = Object.assign(new Car(), { speed: 'fast' });
      expectBadData(() => codec.encode(new NetMessage(bad)), 'body.speed: expected number, got string "fast"');
      const nested = Object.assign(new Garage(), { cars: [car('a', 1, true), bad] });
      expectBadData(() => codec.encode(new NetMessage(nested)), 'body.cars[1].speed: expected number, got string "fast"');
    });

    it('refuses instances of unregistered classes and plain objects', () => {
      class Stray {}
      expectBadData(() => codec.encode(new NetMessage(new Stray())), 'body: cannot send an instance of Stray');
      const g = Object.assign(new Garage(), { cars: [{ name: 'x' }] });
      expectBadData(() => codec.encode(new NetMessage(g)), 'body.cars[0]: cannot send a plain object');
    });

    it('refuses an element that is not the declared class or a subclass', () => {
      const g = Object.assign(new Garage(), { cars: [new Other()] });
      expectBadData(() => codec.encode(new NetMessage(g)), 'body.cars[0]: expected Car, got Other');
    });
  });

  describe('decode', () => {
    it('revives what it encoded, with the uuid, as instances of the classes sent', () => {
      const message = codec.decode(codec.encode(new NetMessage(garage(), { uuid: 'id1' })));
      expect(message.uuid).toBe('id1');
      expect(message.object).toBeInstanceOf(Garage);
      expect(message.object).toStrictEqual(garage());
    });

    it('keeps the initial value of a field the sender ignored, and leaves out fields ignored on reading', () => {
      const sent = car('volvo', 35, true);
      const skipped = codec.decode(codec.encode(new NetMessage(sent, { ignore: ['speed'] }))).object as Car;
      expect(skipped).toStrictEqual(car('volvo', null, true));
      const unread = codec.decode(codec.encode(new NetMessage(sent)), ['name']).object as Car;
      expect(unread).toStrictEqual(car('', 35, true));
    });

    it('fails with BadData, never another error, on every prefix of a payload', () => {
      const bytes = Buffer.from(codec.encode(new NetMessage(garage())));
      for (let length = 0; length < bytes.length; length++) {
        expectBadData(() => codec.decode(bytes.subarray(0, length)));
      }
    });

    it('never reads past its payload, even inside a larger buffer', () => {
      const bytes = Buffer.from(codec.encode(new NetMessage(car('volvo', 35, true))));
      const inside = Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([0x04])]);
      expectBadData(() => codec.decode(inside.subarray(0, bytes.length - 1)), 'truncated');
    });

    it('fails with BadData or decodes, never anything else, when any byte is changed', () => {
      const bytes = Buffer.from(codec.encode(new NetMessage(garage())));
      for (let i = 0; i < bytes.length; i++) {
        for (const value of [0x00, 0x01, 0x02, 0x05, 0x7f, 0x80, 0xff]) {
          const corrupt = Buffer.from(bytes);
          corrupt[i] = value;
          try {
            codec.decode(corrupt);
          } catch (err) {
            expect({ i, value, err }).toEqual({ i, value, err: expect.any(OonError) });
            expect((err as OonError).code).toBe('BadData');
          }
        }
      }
    });

    it('refuses trailing bytes after the message', () => {
      const bytes = Buffer.from(codec.encode(new NetMessage(car('a', 1, true))));
      expectBadData(() => codec.decode(Buffer.concat([bytes, Buffer.from([0])])), '1 bytes after the message');
    });

    it('refuses text, another format version, and an unknown class name', () => {
      expectBadData(() => codec.decode('{"head": {}}'), 'cannot be text');
      expectBadData(() => codec.decode(hex('02 00 03 00')), 'format 2');
      expectBadData(() => codec.decode(hex('01 00 03 00 05 4576696c21 00')), 'unknown class `Evil!`');
    });

    it('refuses a class the peer declares with another number of fields', () => {
      expectBadData(() => codec.decode(hex('01 00 03 00 03 436172 02 03 00 00')), "the peer's Car has 2 fields, this side's has 3");
    });

    it('refuses a tag that starts no value of the declared type, naming class and field', () => {
      expectBadData(() => codec.decode(hex('01 00 03 00 03 436172 03 05 00 04')), 'Car.name: byte 5 does not start a value of type string');
    });

    it('refuses a class number that was not named, and a reference when none was sent', () => {
      expectBadData(() => codec.decode(hex('01 00 03 07')), 'class number 7 was not named');
      expectBadData(() => codec.decode(hex('01 00 05 00')), 'a reference to object 0, which was not sent');
    });

    it('refuses a root object of a class other than the one a nested field declares', () => {
      // A Garage whose cars array holds an Other.
      const bytes = hex('01 00 03 00 06 476172616765 05 03 01 03 00 05 4f74686572 01 03 00 00 00 00 00 00');
      expectBadData(() => codec.decode(bytes), 'Garage.cars: expected Car, got Other');
    });
  });
});
