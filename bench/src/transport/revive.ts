/**
 * The hand-written mapping that the JSON transports need, since JSON carries no classes:
 * the small message (a FordTruck carrying a VolvoCar) from the plain object
 * `JSON.parse` gives back to instances.
 */
import { FordTruck, TrucTrailer, VolvoCar, type CarMark } from '../model';

interface PlainCar {
  mark: CarMark | null;
  speed: number | null;
  wheels?: number;
  trailer?: { carInside: PlainCar | null; carCount: number | null } | null;
}

/** Revives the small message from its plain JSON form. */
export function reviveTruck(plain: unknown): FordTruck {
  const p = plain as PlainCar;
  const truck = new FordTruck();
  truck.mark = p.mark;
  truck.speed = p.speed;
  const trailer = p.trailer;
  if (trailer === null || trailer === undefined) truck.trailer = null;
  else {
    const t = new TrucTrailer();
    const inside = trailer.carInside;
    if (inside === null) t.carInside = null;
    else {
      const volvo = new VolvoCar();
      volvo.mark = inside.mark;
      volvo.speed = inside.speed;
      volvo.wheels = inside.wheels as number;
      t.carInside = volvo;
    }
    t.carCount = trailer.carCount;
    truck.trailer = t;
  }
  return truck;
}
