/**
 * The fleet: each truck on the map is a `FordTruck` from the cars example, carried with
 * where it is. The server and the page both import this module. Every field names its
 * type and the class its wire name: the page is bundled by esbuild, which emits no
 * `design:type` and may rename classes.
 */
import { NetClass, NetField, t } from '@oon/core';
import { FordTruck } from '@oon/example-cars';

/** The map is this many units wide and high; positions stay within it. */
export const MAP_WIDTH = 100;
export const MAP_HEIGHT = 60;

/** Where one truck of the fleet is now. */
@NetClass('FleetTruck')
export class FleetTruck {
  @NetField(t.string) id = '';
  @NetField(() => FordTruck) truck: FordTruck | null = null;
  @NetField(t.float) x = 0;
  @NetField(t.float) y = 0;
  /** Degrees, 0 pointing east, counter-clockwise. */
  @NetField(t.float) heading = 0;
  /** Moves of this truck so far. */
  @NetField(t.int) step = 0;
  @NetField(t.date) at: Date = new Date(0);

  /** The position as the page prints it, and as the example's test reads it. */
  position(): string {
    return `${this.x.toFixed(1)}, ${this.y.toFixed(1)}`;
  }
}
