/**
 * The decorators as users' toolchains compile them (docs/types.md, "Decorators: legacy
 * and standard, and bundlers"): TypeScript 5's standard (TC39) decorators compiled by
 * tsc (test/fixtures/decorators/standard, a project without `experimentalDecorators`,
 * built by `tsc -b`) and bundled by esbuild; legacy decorators bundled by esbuild, which
 * (like Vite, which uses it) emits no design:type metadata. Each fixture runs in its own
 * node process against the built packages and prints one JSON line per check. Last,
 * @oon/core bundled for the browser runs where only browser globals exist.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInContext, createContext } from 'node:vm';
import { buildSync } from 'esbuild';
import { ROOT } from '../support/packages';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'decorators');
const STANDARD_SOURCE = join(FIXTURES, 'standard', 'src', 'standard.ts');

let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'oon-decorators-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Bundles a fixture as a user's esbuild (or Vite) build would, with the decorator form its tsconfig picks. */
function bundle(entry: string, experimentalDecorators: boolean): string {
  const outfile = join(out, `${experimentalDecorators ? 'legacy' : 'standard'}.js`);
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    outfile,
    // What esbuild reads from a tsconfig.json; emitDecoratorMetadata it ignores.
    tsconfigRaw: { compilerOptions: { experimentalDecorators, emitDecoratorMetadata: true, useDefineForClassFields: true } },
    logLevel: 'silent',
  });
  return outfile;
}

/** Runs a fixture in a node process of its own: its checks by name. */
function checks(script: string): Record<string, unknown> {
  const lines = execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim().split('\n');
  return Object.fromEntries(lines.map((l) => JSON.parse(l) as { check: string; value: unknown }).map((c) => [c.check, c.value]));
}

/** Which settings emit design:type, and which bundlers never do: what every refusal of a field without it says. */
const SETTINGS =
  "design:type exists only with TypeScript's `experimentalDecorators` and `emitDecoratorMetadata`, or SWC's `jsc.transform.decoratorMetadata`, read through reflect-metadata; esbuild and Vite never emit it, whatever their settings";

/** How to give a type, and why it is needed: the tail of the refusal of a field without design:type. */
const GIVE_IT = `so the field's type must be given explicitly, as in @NetField(t.number), @NetField(t.int), @NetField(() => Car) or @NetField(t.json) (${SETTINGS})`;

/** What the standard fixture's Truck arrives as, through either codec. */
const TRUCK = {
  truck: true,
  plate: 'AB-123',
  mark: 'Ford',
  builtAt: '2024-02-29T12:30:00.000Z',
  odometer: String(2n ** 70n + 1n),
  parts: '6 x wheel',
  spares: ['2 x lamp'],
  load: 7.5,
  local: 'here',
};

describe.each([
  ['compiled by tsc', () => join(FIXTURES, 'standard', 'dist', 'standard.js')],
  ['bundled by esbuild', () => bundle(STANDARD_SOURCE, false)],
])('standard (TC39) decorators, %s', (_how, script) => {
  let seen: Record<string, unknown>;
  beforeAll(() => {
    seen = checks(script());
  });

  it("register classes (one by hand, one inheriting an undecorated base class's fields) with their fields in declaration order", () => {
    expect(seen['schema']).toEqual([
      'plate:plate:string',
      'mark:mark:enum',
      'builtAt:builtAt:date',
      'odometer:odometer:bigint',
      'parts:parts:map',
      'spares:spares:array',
      'load:load_tons:optional',
    ]);
    expect(seen['manual']).toEqual(['n:int']);
  });

  it('send through the binary and JSON codecs and arrive as instances, with Map, Date, bigint, enum and nested classes', () => {
    expect(seen['binary']).toEqual(TRUCK);
    expect(seen['json']).toEqual(TRUCK);
  });

  it('refuse a field without a type when its class is declared, naming class and field (TypeError)', () => {
    expect(seen['untyped']).toBe(`TypeError: Car.speed: standard decorators carry no design:type metadata, ${GIVE_IT}`);
    expect(seen['untyped-in-base']).toBe(`TypeError: Base.speed: standard decorators carry no design:type metadata, ${GIVE_IT}`);
  });

  it('refuse private and static fields (TypeError)', () => {
    expect(seen['private']).toBe('TypeError: @NetField on Safe.#code: a private field cannot be sent, since revival assigns fields from outside the class');
    expect(seen['static']).toBe('TypeError: @NetField on Counter.total: a static field belongs to the class, not to the instances sent');
  });
});

describe('legacy decorators bundled by esbuild, so without design:type (as in Vite)', () => {
  let seen: Record<string, unknown>;
  beforeAll(() => {
    seen = checks(bundle(join(FIXTURES, 'legacy-no-metadata.ts'), true));
  });

  it('send fields given explicit types through both codecs', () => {
    const reading = { reading: true, n: 7, at: '2025-01-01T00:00:00.000Z', totals: String(10n ** 20n) };
    expect(seen['binary']).toEqual(reading);
    expect(seen['json']).toEqual(reading);
  });

  it('refuse a field without a type when its class is declared, naming the setting that would emit one (TypeError)', () => {
    expect(seen['untyped']).toBe(`TypeError: Car.speed: no design:type metadata was emitted for it, ${GIVE_IT}`);
  });

  it("refuse a field whose type comes from class-transformer's @Type alone, which cannot tell Wheel from Wheel[] there (TypeError)", () => {
    expect(seen['transformer-type']).toBe(
      `TypeError: Bus.readings: @Type() gives only an element type, and with no design:type metadata it cannot tell one from an array, Set or Map of it: give the whole type in @NetField, as in @NetField(() => [Wheel]) or @NetField(() => Wheel) (${SETTINGS})`,
    );
  });
});

/** Bundles `contents` (TypeScript importing @oon/core) for a browser and runs it where only browser globals exist: what it left in `globalThis.result`. */
function runInPage(contents: string, experimentalDecorators: boolean): Record<string, unknown> | undefined {
  const built = buildSync({
    stdin: { contents, loader: 'ts', resolveDir: ROOT },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    tsconfigRaw: { compilerOptions: { experimentalDecorators } },
    logLevel: 'silent',
  });
  // Web Crypto is the one global core needs beyond the language's own: no Buffer, process or require.
  const page = createContext({ crypto: globalThis.crypto });
  runInContext(built.outputFiles[0]?.text ?? '', page);
  return (page as { result?: Record<string, unknown> }).result;
}

describe('@oon/core bundled for a browser', () => {
  it('needs no Node built-in and no reflect-metadata, and runs with browser globals only', () => {
    const result = runInPage(
      `import { NetClass, NetField, NetMessage, Registry, t } from '@oon/core';
      const registry = new Registry();
      @NetClass({ registry })
      class Point {
        @NetField(t.int) x = 0;
        @NetField(t.bytes) raw = new Uint8Array(0);
      }
      globalThis.result = {
        fields: registry.schemaOf(Point).fields.map((f) => f.key + ':' + f.type.kind),
        id: new NetMessage(new Point()).uuid,
        reflectMetadata: typeof Reflect.getMetadata,
      };`,
      false,
    );
    expect(result).toEqual({ fields: ['x:int', 'raw:bytes'], id: expect.stringMatching(/^[0-9a-f]{10}$/), reflectMetadata: 'undefined' });
  });

  it("reads class-transformer's decorators from the build the page's own import loads, so @Exclude() keeps a field home", () => {
    const result = runInPage(
      `import 'reflect-metadata';
      import { Exclude, Expose } from 'class-transformer';
      import { NetClass, NetField, Registry, t } from '@oon/core';
      const registry = new Registry();
      @NetClass({ registry })
      class Account {
        @NetField(t.string) name = '';
        @NetField(t.string) @Exclude() password = '';
      }
      @Exclude()
      @NetClass({ registry })
      class Card {
        @NetField(t.string) @Expose() holder = '';
        @NetField(t.string) number = '';
      }
      globalThis.result = { account: registry.schemaOf(Account).fields.map((f) => f.key), card: registry.schemaOf(Card).fields.map((f) => f.key) };`,
      true,
    );
    expect(result).toEqual({ account: ['name'], card: ['holder'] });
  });

  it('tells a legacy class without a field type that reflect-metadata is not loaded there', () => {
    const result = runInPage(
      `import { NetClass, NetField } from '@oon/core';
      try {
        @NetClass()
        class Car {
          @NetField() speed: number = 0;
        }
        globalThis.result = { declared: Car.name };
      } catch (err) {
        globalThis.result = { refused: err.message };
      }`,
      true,
    );
    expect(result).toEqual({
      refused: `Car.speed: no design:type metadata was emitted for it, ${GIVE_IT.slice(0, -1)}; reflect-metadata is not loaded here: \`import 'reflect-metadata'\` before the classes)`,
    });
  });
});
