import { NetClass, NetField, NetMessage, OonError, Registry, registerEnum, t } from '@oon/core';
import { BinaryCodec } from '@oon/wire';
import { expectBadData } from '../../../test/support/expect-bad-data';
import { Car, car, Garage, Other, registry } from './fixtures/garage';

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
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
    it('writes [version][uuid][object tag][class name once][field count][tagged fields in wire-name order]', () => {
      const bytes = codec.encode(new NetMessage(car('volvo', 35, true), { uuid: 'ab' }));
      // Fields go by wire name (fast, name, speed), not declaration order.
      expect(Buffer.from(bytes).toString('hex')).toBe(
        hex(`01  02 6162
             03  00 03 436172 03
             04  03 05 766f6c766f  03 46`).toString('hex'),
      );
    });

    it('names a class once per message and refers to it by number after', () => {
      const two = Object.assign(new Garage(), { cars: [car('a', 1, false), car('b', 2.5, true)] });
      const bytes = Buffer.from(codec.encode(new NetMessage(two, { uuid: '' })));
      expect(bytes.toString('latin1').split('Car').length - 1).toBe(1);
      // The second Car: object tag 3, class number 2 (Garage is 1, Car 2).
      expect(bytes.includes(hex('03 02 04 03 01 62 04 0000000000000440'))).toBe(true);
    });

    it('writes a number as a zigzag varint when it is a 32-bit integer, else as float64 (-0 included)', () => {
      const encoded = (speed: number): string => Buffer.from(codec.encode(new NetMessage(car('', speed, false), { uuid: '' }))).toString('hex');
      // fast = false (03), name '' (03 00), then speed.
      expect(encoded(-1).endsWith('03' + '0300' + '0301')).toBe(true);
      expect(encoded(-70).endsWith('03' + '0300' + '038b01')).toBe(true);
      expect(encoded(2 ** 31).endsWith('03' + '0300' + '04000000000000e041')).toBe(true);
      expect(encoded(-0).endsWith('03' + '0300' + '040000000000000080')).toBe(true);
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

  describe('integer enums (written and read in line when every member is 0 to 31)', () => {
    const garage = new Registry();
    enum Gear {
      Park = 0,
      Drive = 2,
      Top = 31,
    }
    registerEnum(Gear, 'Gear', garage);
    enum Far {
      Near = 1,
      Away = 40,
    }
    registerEnum(Far, 'Far', garage);
    @NetClass({ registry: garage })
    class Shift {
      @NetField(() => Gear) gear: Gear | null = Gear.Park;
      @NetField(() => Far) far: Far | null = Far.Near;
    }
    const shifts = new BinaryCodec({ registry: garage });
    const shift = (gear: Gear | null, far: Far | null): Shift => Object.assign(new Shift(), { gear, far });
    /** The payload of a Shift with its field bytes replaced by `fields` (hex), uuid 'u'. */
    const payload = (fields: string): Buffer => hex(`01 01 75  03 00 05 5368696674 02  ${fields}`);

    it('round-trips every member, null, and the members of an enum past 31 (the prebuilt way)', () => {
      for (const gear of [Gear.Park, Gear.Drive, Gear.Top, null]) {
        for (const far of [Far.Near, Far.Away, null]) {
          expect(shifts.decode(shifts.encode(new NetMessage(shift(gear, far)))).object).toStrictEqual(shift(gear, far));
        }
      }
    });

    it('writes a member as its tag and one zigzag byte, as any integer', () => {
      const bytes = Buffer.from(shifts.encode(new NetMessage(shift(Gear.Top, Far.Away), { uuid: 'u' })));
      // Fields by wire name: far (40 -> zigzag 80 = 0x50), gear (31 -> 62 = 0x3e).
      expect(bytes.toString('hex')).toBe(payload('03 50  03 3e').toString('hex'));
    });

    it('refuses a number that is no member, on either side, naming the enum', () => {
      expectBadData(() => shifts.decode(payload('03 50  03 02')), 'Shift.gear', '1 is not a member of enum Gear');
      expectBadData(() => shifts.decode(payload('03 50  03 40')), '32 is not a member of enum Gear');
      expectBadData(() => shifts.decode(payload('03 50  03 01')), '-1 is not a member of enum Gear');
      expectBadData(() => shifts.encode(new NetMessage(shift(1 as Gear, Far.Near))), 'gear');
      expect(shifts.decode(payload('03 50  03 04')).object).toStrictEqual(shift(Gear.Drive, Far.Away));
    });
  });

  describe('polymorphic fields', () => {
    const zoo = new Registry();
    @NetClass({ registry: zoo })
    class Animal {
      @NetField(t.string) name = '';
    }
    @NetClass({ registry: zoo })
    class Dog extends Animal {
      @NetField(t.int) barks = 0;
    }
    @NetClass({ registry: zoo })
    class Pen {
      @NetField(() => [Animal]) animals: Animal[] = [];
      @NetField(() => Animal) lead: Animal | null = null;
    }
    const animal = (name: string): Animal => Object.assign(new Animal(), { name });
    const dog = (name: string, barks: number): Dog => Object.assign(new Dog(), { name, barks });

    it('round-trips base and subclass instances mixed, each as its own class, message after message', () => {
      const codec = new BinaryCodec({ registry: zoo });
      for (let i = 0; i < 3; i++) {
        const pen = Object.assign(new Pen(), { animals: [dog('rex', i), animal('cat'), dog('fido', 2), animal('cow')], lead: dog('lead', 7) });
        const back = codec.decode(codec.encode(new NetMessage(pen))).object as Pen;
        expect(back).toBeInstanceOf(Pen);
        expect(back.animals.map((a) => a.constructor)).toEqual([Dog, Animal, Dog, Animal]);
        expect(back).toStrictEqual(pen);
      }
    });

    it('round-trips a subclass registered after the holder was compiled', () => {
      const codec = new BinaryCodec({ registry: zoo });
      const before = Object.assign(new Pen(), { animals: [dog('rex', 1)] });
      expect(codec.decode(codec.encode(new NetMessage(before))).object).toStrictEqual(before);
      @NetClass({ registry: zoo })
      class Puppy extends Dog {
        @NetField(t.boolean) small = true;
      }
      const late = Object.assign(new Puppy(), { name: 'bit', barks: 3, small: false });
      const pen = Object.assign(new Pen(), { animals: [late, dog('rex', 1), late], lead: late });
      const back = codec.decode(codec.encode(new NetMessage(pen))).object as Pen;
      expect(back.animals[0]).toBeInstanceOf(Puppy);
      expect(back.lead).toBeInstanceOf(Puppy);
      expect(back).toStrictEqual(pen);
    });

    it('refuses a class named before in the message that does not extend the declared one', () => {
      const codec = new BinaryCodec({ registry: zoo });
      // [Pen] whose animals hold a Pen: class number 1 where an Animal is declared.
      const bytes = codec.encode(new NetMessage(new Pen(), { uuid: '' }));
      const hexText = Buffer.from(bytes).toString('hex');
      // Pen's fields by wire name: animals (an empty array: 03 00), lead (null: 00).
      expect(hexText.endsWith('0300' + '00')).toBe(true);
      const forged = Buffer.from(hexText.slice(0, -6) + '0301' + '0301' + '0300' + '00' + '00', 'hex');
      expectBadData(() => codec.decode(forged), 'Pen.animals: expected Animal, got Pen, which does not extend it');
    });

    it('revives the right class when a position names another class than in the last message, either way round', () => {
      const codec = new BinaryCodec({ registry: zoo });
      // The lead is the second class each message names: Dog, then Animal, then Dog again.
      const pens = [dog('a', 1), animal('b'), dog('c', 3), dog('d', 4), animal('e')].map((lead) => Object.assign(new Pen(), { lead }));
      for (const pen of pens) {
        const back = codec.decode(codec.encode(new NetMessage(pen))).object as Pen;
        expect(back.lead?.constructor).toBe(pen.lead?.constructor);
        expect(back).toStrictEqual(pen);
      }
    });

    it('refuses a class that does not extend the declared one where the last message named another there', () => {
      const codec = new BinaryCodec({ registry: zoo });
      // Teach the codec that the second class named is Dog (in `lead`) ...
      const dogPen = Buffer.from(codec.encode(new NetMessage(Object.assign(new Pen(), { lead: dog('d', 1) }), { uuid: '' })));
      expect(codec.decode(dogPen).object).toStrictEqual(Object.assign(new Pen(), { lead: dog('d', 1) }));
      // ... then send a Pen whose lead holds a second Pen, named in full: the same bytes at that place would be a Dog's.
      const penDefinition = Buffer.from(dogPen.subarray(2, 2 + 1 + 1 + 1 + 3 + 1)).toString('hex'); // 03 00 03 50656e 02
      expect(penDefinition).toBe('0300035065' + '6e02');
      const forged = hex(`01 00  ${penDefinition}  03 00  03 ${penDefinition.slice(2)} 03 00 00`);
      expectBadData(() => codec.decode(forged), 'Pen.lead: expected Animal, got Pen, which does not extend it');
      // Again: now the class last named at that place is Pen itself, recognised in the generated code.
      expectBadData(() => codec.decode(forged), 'Pen.lead: expected Animal, got Pen, which does not extend it');
    });
  });

  describe('Maps, Sets and Dates', () => {
    const diary = new Registry();
    @NetClass({ registry: diary })
    class Diary {
      @NetField(() => t.map(String, t.set(t.date))) visits = new Map<unknown, unknown>();
    }
    const codec = new BinaryCodec({ registry: diary, maxCollectionLength: 2 });
    const send = (visits: Map<unknown, unknown>): Uint8Array => codec.encode(new NetMessage(Object.assign(new Diary(), { visits }), { uuid: '' }));

    it('writes a Map<string, Set<Date>> as counts, keys and tagged dates', () => {
      expect(Buffer.from(send(new Map([['a', new Set([new Date(5)])]]))).toString('hex')).toBe(
        hex(`01 00  03 00 054469617279 01  03 01 0161 03 01 03 0000000000001440`).toString('hex'),
      );
    });

    it('refuses, naming the path, a key that is not a string, an invalid Date, a wrong element and a Set over the limit', () => {
      expectBadData(() => send(new Map([[1, new Set()]])), 'body.visits[1]: a Map key must be a string, got number 1');
      expectBadData(() => send(new Map([['a', new Set([new Date(NaN)])]])), 'body.visits["a"][0]: an invalid Date cannot be sent');
      expectBadData(() => send(new Map([['a', new Set(['x'])]])), 'body.visits["a"][0]: expected date, got string "x"');
      expectBadData(() => send(new Map([['a', new Set([1, 2, 3])]])), 'body.visits["a"]: a Set of 3 elements is over maxCollectionLength (2)');
    });

    it('refuses a Date out of range or NaN in the payload, and a truncated one', () => {
      const good = Buffer.from(send(new Map([['a', new Set([new Date(5)])]])));
      for (const f64 of ['000000000000f07f' /* NaN */, '9c7500883ce4377e' /* 1e300 */]) {
        const bad = Buffer.concat([good.subarray(0, good.length - 8), hex(f64)]);
        expectBadData(() => codec.decode(bad), 'the payload holds an invalid Date');
      }
      expectBadData(() => codec.decode(good.subarray(0, good.length - 3)), 'truncated');
      expect(codec.decode(good).object).toStrictEqual(Object.assign(new Diary(), { visits: new Map([['a', new Set([new Date(5)])]]) }));
    });
    it('writes and reads a Map<string, Class> whose generated loop variables outnumber the constants before it', () => {
      // The loop over `byPlate` named its key after a counter: here `k5`, the name of the
      // class codec's constant, which it shadowed, so the key string was used as the codec.
      const fleet = new Registry();
      @NetClass({ registry: fleet, name: 'Person' })
      class Person {
        @NetField() name: string = '';
      }
      @NetClass({ registry: fleet, name: 'Car' })
      class Car {
        @NetField(() => Person) owner: Person | null = null;
        @NetField() speed: number = 0;
      }
      @NetClass({ registry: fleet, name: 'Yard' })
      class Yard {
        @NetField(() => t.set(Car)) parked = new Set<Car>();
        @NetField(() => Car) best: Car | null = null;
        @NetField(() => [Car]) cars: Car[] = [];
        @NetField(() => t.map(String, Car)) byPlate = new Map<string, Car>();
        @NetField() label: string = 'main';
      }
      const codec = new BinaryCodec({ registry: fleet });
      const yard = Object.assign(new Yard(), { byPlate: new Map([['x', Object.assign(new Car(), { owner: Object.assign(new Person(), { name: 'Ada' }) })]]) });

      expect(codec.decode(codec.encode(new NetMessage(yard))).object).toStrictEqual(yard);
    });
  });

  describe('its reused buffer', () => {
    it('keeps every message intact while later ones are written, small and bigger than the buffer', () => {
      const sent: Garage[] = [];
      const bytes: Uint8Array[] = [];
      for (let i = 0; i < 60; i++) {
        // Sizes from a few bytes to ~70 KiB, so the buffer fills up and grows in mid-message.
        const count = i % 7 === 0 ? 3000 + i : i;
        const cars = Array.from({ length: count }, (_, k) => car(`c${k}`, k % 3 === 0 ? k / 3 + 0.5 : k, k % 2 === 0));
        sent.push(Object.assign(new Garage(), { cars }));
        bytes.push(codec.encode(new NetMessage(sent[i] as Garage)));
      }
      bytes.forEach((b, i) => expect(codec.decode(b).object).toStrictEqual(sent[i]));
    });

    it('is taken with the first message: a codec that has encoded nothing holds no buffer (a link that stays idle)', () => {
      // Each link has a codec of its own; two 16 KiB writers each were most of an idle connection's memory.
      const before = process.memoryUsage().arrayBuffers;
      const codecs = Array.from({ length: 1000 }, () => new BinaryCodec({ registry }));
      const held = process.memoryUsage().arrayBuffers - before;
      expect(held).toBeLessThan(1024 * 1024);
      const last = codecs[codecs.length - 1] as BinaryCodec;
      expect(last.decode(last.encode(new NetMessage(car('first', 1, true)))).object).toStrictEqual(car('first', 1, true));
    });
  });

  describe('re-entrance', () => {
    it.each([
      ['the same codec', () => codec],
      // Its first message: the codec has no writer to reuse yet, and the nested one must not take the outer's.
      ['the same codec, during its first message', () => new BinaryCodec({ registry })],
    ])('encodes correctly when a field getter encodes another message with %s', (_, make) => {
      const same = make();
      const inner = car('inner', 1, false);
      const outer = car('', 2, true);
      let nested: Uint8Array | undefined;
      Object.defineProperty(outer, 'name', {
        get: () => {
          nested = same.encode(new NetMessage(inner));
          return 'outer';
        },
      });
      const bytes = same.encode(new NetMessage(outer));
      const after = same.encode(new NetMessage(car('after', 3, false)));
      expect(same.decode(bytes).object).toStrictEqual(car('outer', 2, true));
      expect(same.decode(nested as Uint8Array).object).toStrictEqual(inner);
      expect(same.decode(after).object).toStrictEqual(car('after', 3, false));
    });

    it('decodes correctly when a constructor decodes another message with the same codec', () => {
      const reentrant = new Registry();
      const innerBytes = new BinaryCodec({ registry }).encode(new NetMessage(car('inner', 1, false)));
      let seen: unknown;
      @NetClass({ registry: reentrant })
      class Probe {
        @NetField(t.string) label = '';
        constructor() {
          if (seen === undefined) seen = shared.decode(innerBytes).object;
        }
      }
      reentrant.register(Car, 'Car');
      const shared = new BinaryCodec({ registry: reentrant });
      const probe = Object.assign(new Probe(), { label: 'p' });
      seen = undefined;
      expect(shared.decode(shared.encode(new NetMessage(probe))).object).toStrictEqual(probe);
      expect(seen).toStrictEqual(car('inner', 1, false));
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

    it('calls a message id or class name longer than the payload truncated, not a breach of maxStringBytes (which bounds field values)', () => {
      const bytes = Buffer.from(codec.encode(new NetMessage(car('volvo', 35, true))));
      // Byte 1 starts the message id's length: 0xff 0x01 announces 255 bytes.
      for (const payload of [Buffer.concat([bytes.subarray(0, 1), Buffer.from([0xff, 0x01]), bytes.subarray(2)]), bytes.subarray(0, 5)]) {
        expect(() => codec.decode(payload)).toThrow(/truncated/);
        expect(() => codec.decode(payload)).not.toThrow(/maxStringBytes/);
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

    describe('decodeSpan', () => {
      /** `payload` with bytes that would make it decode wrongly around it, and where it lies. */
      function amid(payload: Uint8Array): [buf: Buffer, start: number, end: number] {
        const before = Buffer.from([0x01, 0x00, 0x03, 0x01]);
        const after = Buffer.from([0x03, 0x04, 0x05, 0xff]);
        return [Buffer.concat([before, payload, after]), before.length, before.length + payload.length];
      }

      it('revives the payload where it lies in a larger buffer (a received chunk), as decode does', () => {
        const [buf, start, end] = amid(codec.encode(new NetMessage(garage(), { uuid: 'id1' })));
        const message = codec.decodeSpan(buf, start, end);
        expect(message.uuid).toBe('id1');
        expect(message.object).toBeInstanceOf(Garage);
        expect(message.object).toStrictEqual(garage());
      });

      it('fails with BadData on every shortened span, never reading the bytes after it, and counts positions from its start', () => {
        const [buf, start, end] = amid(codec.encode(new NetMessage(garage())));
        for (let stop = start; stop < end; stop++) expectBadData(() => codec.decodeSpan(buf, start, stop));
        const [carBuf, carStart, carEnd] = amid(codec.encode(new NetMessage(car('volvo', 35, true))));
        expectBadData(() => codec.decodeSpan(carBuf, carStart, carEnd - 1), `ends at byte ${carEnd - 1 - carStart} in the middle`);
      });

      it('refuses a span that stops before the payload does, rather than reading on into the next frame', () => {
        const one = codec.encode(new NetMessage(car('a', 1, true)));
        const buf = Buffer.concat([one, one]);
        expect(codec.decodeSpan(buf, one.length, buf.length).object).toStrictEqual(car('a', 1, true));
        expectBadData(() => codec.decodeSpan(buf, 0, one.length + 1), '1 bytes after the message');
      });
    });

    it('refuses trailing bytes after the message', () => {
      const bytes = Buffer.from(codec.encode(new NetMessage(car('a', 1, true))));
      expectBadData(() => codec.decode(Buffer.concat([bytes, Buffer.from([0])])), '1 bytes after the message');
    });

    it('refuses text, another format version, and an unknown class name', () => {
      expectBadData(() => codec.decode('{"head": {}}'), 'cannot be text');
      expectBadData(() => codec.decode(hex('04 00 03 00')), 'format 4');
      expectBadData(() => codec.decode(hex('01 00 03 00 05 4576696c21 00')), 'unknown class `Evil!`');
    });

    it('refuses a class the peer declares with another number of fields', () => {
      expectBadData(() => codec.decode(hex('01 00 03 00 03 436172 02 03 00 00')), "the peer's Car has 2 fields, this side's has 3");
    });

    it('refuses a tag that starts no value of the declared type, naming class and field', () => {
      expectBadData(() => codec.decode(hex('01 00 03 00 03 436172 03 04 05 00')), 'Car.name: byte 5 does not start a value of type string');
    });

    it('refuses a class number that was not named, and a reference when none was sent', () => {
      expectBadData(() => codec.decode(hex('01 00 03 07')), 'class number 7 was not named');
      expectBadData(() => codec.decode(hex('01 00 05 00')), 'a reference to object 0, which was not sent');
    });

    it('refuses a root object of a class other than the one a nested field declares', () => {
      // A Garage (budget undefined) whose cars array holds an Other.
      const bytes = hex('01 00 03 00 06 476172616765 05 01 03 01 03 00 05 4f74686572 01 03 00 00 00 00');
      expectBadData(() => codec.decode(bytes), 'Garage.cars: expected Car, got Other');
    });
  });
});
