/**
 * Moves the fleet: each truck drives at its speed, turning a little at random and
 * bouncing off the map's edges.
 */
import { FordTruck, VolvoCar } from '@oon/example-cars';
import { FleetTruck, MAP_HEIGHT, MAP_WIDTH } from './fleet';

/** Map units a truck at 1 km/h covers in one step. */
const UNITS_PER_KMH = 0.02;

/** `size` trucks spread over the map, each a `FordTruck` with a few `VolvoCar`s in its trailer. */
export function makeFleet(size: number): FleetTruck[] {
  return Array.from({ length: size }, (_, i) => {
    const speed = 40 + Math.round(Math.random() * 50);
    const cars = 1 + Math.floor(Math.random() * 4);
    return Object.assign(new FleetTruck(), {
      id: `truck-${i + 1}`,
      truck: new FordTruck(speed, new VolvoCar(0, 4), cars),
      x: 10 + Math.random() * (MAP_WIDTH - 20),
      y: 10 + Math.random() * (MAP_HEIGHT - 20),
      heading: Math.random() * 360,
      at: new Date(),
    });
  });
}

/** Moves `truck` one step. */
export function drive(truck: FleetTruck): void {
  truck.heading = (truck.heading + (Math.random() - 0.5) * 30 + 360) % 360;
  const distance = (truck.truck?.speed ?? 0) * UNITS_PER_KMH;
  const radians = (truck.heading * Math.PI) / 180;
  let x = truck.x + Math.cos(radians) * distance;
  let y = truck.y - Math.sin(radians) * distance;
  if (x < 0 || x > MAP_WIDTH) {
    truck.heading = (540 - truck.heading) % 360;
    x = Math.min(Math.max(x, 0), MAP_WIDTH);
  }
  if (y < 0 || y > MAP_HEIGHT) {
    truck.heading = (360 - truck.heading) % 360;
    y = Math.min(Math.max(y, 0), MAP_HEIGHT);
  }
  truck.x = x;
  truck.y = y;
  truck.step++;
  truck.at = new Date();
}
