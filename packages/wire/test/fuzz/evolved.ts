/**
 * Two versions of a small model for the fuzz properties of resolved decoders (a reader
 * reading a writer's other version, docs/evolution.md): fields skipped, defaulted,
 * renamed, widened, an enum with more members, a class only the writer has in a field the
 * reader skips, shared references.
 */
import fc from 'fast-check';
import { NetClass, NetField, Registry, registerEnum, t } from '@oon/core';
import { describeRegistry, type RegistrySchema } from '@oon/wire';

export const writer = new Registry();
export const reader = new Registry();

const Mark = { Volvo: 0, Ford: 2 } as const;
const WideMark = { Volvo: 0, Toyota: 1, Ford: 2 } as const;
registerEnum(Mark, 'Mark', writer);
registerEnum(WideMark, 'Mark', reader);

@NetClass({ registry: writer, name: 'Owner' })
class Owner {
  @NetField() name: string = '';
}

@NetClass({ registry: writer, name: 'Item', references: true })
export class WriterItem {
  @NetField(t.int) id: number = 0;
  @NetField(t.int) count: number = 0;
  @NetField(() => Mark) mark: number = 0;
  @NetField() label: string = '';
  @NetField(() => Owner) owner: Owner | null = null;
  @NetField(() => [WriterItem]) parts: WriterItem[] = [];
  @NetField(() => t.map(String, WriterItem)) named = new Map<string, WriterItem>();
}

@NetClass({ registry: reader, name: 'Item', references: true })
export class ReaderItem {
  @NetField(t.int) id: number = 0;
  @NetField(t.number, { name: 'total', aliases: ['count'] }) total: number = 0;
  @NetField(() => WideMark) mark: number = 0;
  @NetField(t.optional(t.string)) label?: string = 'none';
  @NetField() colour: string = 'red';
  @NetField(() => [ReaderItem]) parts: ReaderItem[] = [];
  @NetField(() => t.map(String, ReaderItem)) named = new Map<string, ReaderItem>();
}

export const writerSchema: RegistrySchema = describeRegistry(writer);
export const readerSchema: RegistrySchema = describeRegistry(reader);

/** A writer's item with random values, `depth` levels deep at most. */
function anItem(depth: number): fc.Arbitrary<WriterItem> {
  const child = depth === 0 ? fc.constant(null) : anItem(depth - 1);
  return fc
    .record({
      id: fc.integer(),
      count: fc.integer(),
      mark: fc.constantFrom(Mark.Volvo, Mark.Ford),
      label: fc.string(),
      owner: fc.option(fc.string().map((name) => Object.assign(new Owner(), { name }))),
      parts: fc.array(child, { maxLength: 2 }),
      named: fc.dictionary(fc.string({ maxLength: 3 }), child, { maxKeys: 2 }),
    })
    .map(({ parts, named, ...fields }) => {
      const item = Object.assign(new WriterItem(), fields, {
        parts: parts.filter((p): p is WriterItem => p !== null),
        named: new Map(Object.entries(named).filter((e): e is [string, WriterItem] => e[1] !== null)),
      });
      // A part reached twice: sent once, referenced after.
      if (item.parts[0] !== undefined) item.named.set('again', item.parts[0]);
      return item;
    });
}

/** A writer's item, a few levels deep, sometimes sharing a part. */
export const aWriterItem: fc.Arbitrary<WriterItem> = anItem(2);
