/**
 * The binary codec's format 2 (docs/protocol.md, "Class numbers" and "Message ids"):
 * classes named by their number in the writer's hello, a message id only when the
 * message has one, in literal bytes; and what a reader does with numbers it cannot use.
 */
import { NetMessage, OonError } from '@oon/core';
import { BinaryCodec } from '@oon/wire';
import { expectBadData } from '../../../test/support/expect-bad-data';
import { car, Garage, Later, registry } from './fixtures/garage';

function hex(text: string): string {
  return text.replace(/\s+/g, '');
}

/** A writer whose hello numbered `own`, and the reader on the other side of that link. */
function link(own: readonly string[]): { writer: BinaryCodec; reader: BinaryCodec } {
  return {
    writer: new BinaryCodec({ registry, classNumbers: { own, peer: [] } }),
    reader: new BinaryCodec({ registry, classNumbers: { own: [], peer: own } }),
  };
}

const bytesOf = (payload: Uint8Array): string => Buffer.from(payload).toString('hex');

describe('format 2', () => {
  // The hello numbered Car 1 and Garage 2; Later was registered after it.
  const { writer, reader } = link(['Car', 'Garage']);

  it('names a numbered class by its number and leaves the id out when the message has none', () => {
    const bytes = writer.encode(new NetMessage(car('volvo', 35, true)));
    expect(bytesOf(bytes)).toBe(
      hex(`02
           03  01
           04  03 05 766f6c766f  03 46`),
    );
    const back = reader.decode(bytes);
    expect(back.object).toStrictEqual(car('volvo', 35, true));
    expect(back.uuidIfSet).toBeUndefined();
    expect(back.uuid).toMatch(/^[0-9a-f]{10}$/);
  });

  it('carries an id the message was given (format 3)', () => {
    const bytes = writer.encode(new NetMessage(car('a', 1, false), { uuid: 'ab' }));
    expect(bytesOf(bytes)).toBe(hex(`03 02 6162  03 01  03 03 01 61  03 02`));
    expect(reader.decode(bytes).uuid).toBe('ab');
  });

  it('names a class the hello did not number by definition', () => {
    const twice = Object.assign(new Garage(), { cars: [car('x', 1, true)] });
    const later = [Object.assign(new Later(), { car: car('y', 2, false) }), Object.assign(new Later(), { car: null })];
    // Garage and Car by number (Garage's fields by wire name: budget undefined, cars, logo
    // and notes null, visits empty); a later class defined (number 0, name, field count) and then numbered 3.
    expect(bytesOf(writer.encode(new NetMessage(twice)))).toBe(hex(`02  03 02  01  03 01  03 01  04 03 01 78 03 02  00  00  03 00`));
    const nested = Object.assign(new Garage(), { cars: [] });
    expect(reader.decode(writer.encode(new NetMessage(nested))).object).toStrictEqual(nested);
    for (const object of later) {
      const bytes = writer.encode(new NetMessage(object));
      expect(bytesOf(bytes).startsWith(hex(`02 03 00 05 4c61746572 01`))).toBe(true);
      expect(reader.decode(bytes).object).toStrictEqual(object);
    }
  });

  it('numbers classes defined in a message after the hello\'s numbers', () => {
    const { writer: w, reader: r } = link(['Garage']);
    const garage = Object.assign(new Garage(), { cars: [car('a', 1, true), car('b', 2, false)] });
    // Car is defined once (number 0, name, 3 fields), then named by number 2: after Garage's 1.
    const bytes = w.encode(new NetMessage(garage));
    expect(bytesOf(bytes)).toBe(hex(`02  03 01  01  03 02  03 00 03 436172 03  04 03 01 61 03 02  03 02  03 03 01 62 03 04  00  00  03 00`));
    expect(r.decode(bytes).object).toStrictEqual(garage);
  });

  it('is read by the reader of format 1 too, and a format-1 payload by a reader of format 2', () => {
    const plain = new BinaryCodec({ registry });
    const one = plain.encode(new NetMessage(car('z', 3, true), { uuid: 'id' }));
    expect(reader.decode(one).object).toStrictEqual(car('z', 3, true));
    expect(reader.decode(one).uuid).toBe('id');
    const defined = link([]).writer.encode(new NetMessage(car('z', 3, true)));
    expect(plain.decode(defined).object).toStrictEqual(car('z', 3, true));
  });

  it('refuses a number past the hello\'s and the message\'s, and one for a class this side lacks as it refuses the name', () => {
    expectBadData(() => reader.decode(Buffer.from(hex('02 03 09'), 'hex')), 'class number 9 was not named before it; the payload is malformed');
    const lacking = link(['Car', 'Nope']).reader;
    const error = expectBadData(() => lacking.decode(Buffer.from(hex('02 03 02'), 'hex')), 'body: unknown class `Nope`');
    const byName = expectBadData(() => lacking.decode(Buffer.from(hex('01 00 03 00 04 4e6f7065 00'), 'hex')), 'body: unknown class `Nope`');
    expect(error.message).toBe(byName.message);
  });

  it('names the id and root class of a payload it cannot read', () => {
    const bytes = writer.encode(new NetMessage(car('volvo', 35, true), { uuid: 'ab' }));
    expect(reader.peekHead(bytes, 0, bytes.length - 2)).toEqual({ id: 'ab', className: 'Car' });
    const anonymous = writer.encode(new NetMessage(car('volvo', 35, true)));
    expect(reader.peekHead(anonymous, 0, 4)).toEqual({ className: 'Car' });
  });

  it('is BadData cut at every byte, and a value or BadData with any byte changed', () => {
    const garage = Object.assign(new Garage(), { cars: [car('a', 1, true), car('b', null, false)] });
    for (const uuid of [undefined, 'm-1']) {
      const bytes = Buffer.from(writer.encode(new NetMessage(garage, uuid === undefined ? {} : { uuid })));
      for (let length = 0; length < bytes.length; length++) expectBadData(() => reader.decode(bytes.subarray(0, length)));
      for (let i = 0; i < bytes.length; i++) {
        for (const value of [0, 1, 2, 3, 4, 5, 0x7f, 0x80, 0xff]) {
          const changed = Buffer.from(bytes);
          changed[i] = value;
          try {
            reader.decode(changed);
          } catch (err) {
            expect(err).toBeInstanceOf(OonError);
            expect((err as OonError).code).toBe('BadData');
          }
        }
      }
    }
  });
});
