/**
 * The TypeScript twin of `test/fixtures/oon-0.0.5/extra.py`: more field kinds than the
 * cars example (bool, int, float, str, None, list, dict, a string enum, a nested object).
 * Registered in the default registry, as the cars example is. Wire names equal property
 * names, so `everything.json` is what it writes. Fields typed by `design:type` are
 * annotated (`flag: boolean`), since a file compiled on its own emits Object for an
 * inferred type.
 */
import { NetClass, NetField, registerEnum, t } from '@oon/core';

export enum Color {
  Red = 'red',
  Blue = 'blue',
}
registerEnum(Color, 'Color');

@NetClass()
export class Point {
  @NetField(t.float) x = 0.0;
  @NetField(t.float) y = 0.0;

  /** Python's `Point` has no `__init__`; the defaults keep `new Point()` working for revival. */
  constructor(x = 0.0, y = 0.0) {
    this.x = x;
    this.y = y;
  }
}

@NetClass()
export class Everything {
  @NetField() flag: boolean = false;
  @NetField(t.int) count = 0;
  @NetField(t.float) ratio = 0.0;
  @NetField() name: string = '';
  @NetField(t.null) nothing: null = null;
  @NetField(t.array(Number)) numbers: number[] | null = null;
  @NetField(t.json) table: Record<string, unknown> | null = null;
  @NetField(() => Color) color: Color = Color.Red;
  @NetField(() => Point) origin: Point | null = null;
}
