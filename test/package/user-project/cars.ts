// The classes both programs share, as a user writes them. `Wheel[]` is typed only by
// class-transformer's `@Type()`, which OON reads from class-transformer's storage: with a
// second copy of class-transformer installed, OON would not see it and the class would
// fail to register ("is an array: give its element type").
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { NetClass, NetField, registerEnum, t } from '@oon/core';

export enum Mark {
  Volvo = 0,
  Ford = 2,
}
registerEnum(Mark, 'Mark');

@NetClass()
export class Wheel {
  @NetField() size: number;
  constructor(size = 16) {
    this.size = size;
  }
}

@NetClass()
export class Truck {
  @NetField(() => Mark) mark: Mark = Mark.Ford;
  @NetField(t.string) name: string | null = null;
  @NetField() @Type(() => Wheel) wheels: Wheel[] = [];
  describe(): string {
    return `${this.name} with ${this.wheels.length} wheels of ${this.wheels.map((w) => w.size).join('/')}`;
  }
}

@NetClass()
export class Receipt {
  @NetField() text: string = '';
}

/** Copies of class-transformer and @oon/core that Node has loaded: exactly one each. */
export function loadedCopies(cache: Record<string, unknown>): { transformer: number; core: number } {
  const files = Object.keys(cache).map((f) => f.replace(/\\/g, '/'));
  return {
    transformer: files.filter((f) => f.endsWith('/class-transformer/cjs/storage.js')).length,
    core: files.filter((f) => f.endsWith('/@oon/core/dist/index.js')).length,
  };
}
