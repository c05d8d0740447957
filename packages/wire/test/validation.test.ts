import { IsEmail, IsInt, IsOptional, Length, Min, ValidateNested } from 'class-validator';
import { BadDataError, NetClass, NetField, NetMessage, Registry, t } from '@oon/core';
import { BinaryCodec, JsonCodec, type Codec, type CodecOptions } from '@oon/wire';

const registry = new Registry();

@NetClass({ registry })
class Engine {
  @NetField(t.int) @IsInt() @Min(1) cylinders = 4;
}

@NetClass({ registry })
class Car {
  @NetField(t.string) @Length(1, 20) name = 'car';
  @NetField(t.number) @Min(0) speed = 0;
  @NetField(() => Engine) @IsOptional() @ValidateNested() engine: Engine | null = null;
  @NetField(() => [Engine]) spares: Engine[] = [];
}

@NetClass({ registry })
class Owner {
  @NetField(t.string) @IsEmail() email = 'a@b.example';
  @NetField(() => [Car]) cars: Car[] = [];
}

/** A plain class: no class-validator metadata, so nothing to validate. */
@NetClass({ registry })
class Note {
  @NetField(t.string) text = '';
}

const CODECS: ReadonlyArray<readonly [string, (options?: CodecOptions) => Codec]> = [
  ['json', (options) => new JsonCodec({ registry, ...options })],
  ['binary', (options) => new BinaryCodec({ registry, ...options })],
];

function car(fields: Partial<Car>): Car {
  return Object.assign(new Car(), fields);
}

function engine(cylinders: number): Engine {
  return Object.assign(new Engine(), { cylinders });
}

describe.each(CODECS)('validation on receive through the %s codec', (_name, makeCodec) => {
  const codec = makeCodec();
  // Senders do not validate: what a peer may send is what the receiver checks.
  const bytesOf = (object: object): string | Uint8Array => codec.encode(new NetMessage(object));

  function expectInvalid(object: object, ...fragments: string[]): void {
    let caught: unknown;
    try {
      codec.decode(bytesOf(object));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadDataError);
    for (const fragment of fragments) expect((caught as Error).message).toContain(fragment);
  }

  it('delivers instances that pass', () => {
    const owner = Object.assign(new Owner(), { cars: [car({ speed: 5, engine: engine(6) })] });
    expect(codec.decode(bytesOf(owner)).object).toStrictEqual(owner);
  });

  it('refuses a failing field with BadData naming class, field and constraint', () => {
    expectInvalid(car({ speed: -1 }), 'Car.speed fails min: speed must not be less than 0', 'not delivered');
    expectInvalid(car({ name: '' }), 'Car.name fails isLength');
  });

  it('validates objects at any depth, in fields and collections', () => {
    expectInvalid(Object.assign(new Owner(), { email: 'nope' }), 'Owner.email fails isEmail');
    expectInvalid(Object.assign(new Owner(), { cars: [car({}), car({ speed: -3 })] }), 'Car.speed fails min');
    expectInvalid(car({ spares: [engine(2), engine(0)] }), 'Engine.cylinders fails min');
  });

  it('skips validation with validate: false', () => {
    const lax = makeCodec({ validate: false });
    const bad = car({ speed: -1, engine: engine(0) });
    expect(lax.decode(lax.encode(new NetMessage(bad))).object).toStrictEqual(bad);
  });

  it('leaves classes without class-validator decorators alone', () => {
    const note = Object.assign(new Note(), { text: '' });
    expect(codec.decode(bytesOf(note)).object).toStrictEqual(note);
  });
});
