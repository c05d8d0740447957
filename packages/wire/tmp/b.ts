
import { NetClass, NetField, NetMessage, Registry, t } from '@oon/core';
import { BinaryCodec, JsonCodec } from '../dist/index';
const registry = new Registry();
@NetClass({ registry }) class Car { @NetField(t.string) name = ''; @NetField(t.number) speed = 0; @NetField(t.boolean) ok = false; @NetField(t.date) at = new Date(0); }
@NetClass({ registry }) class Garage { @NetField(() => [Car]) cars: Car[] = []; @NetField(() => t.map(String, Car)) byName = new Map<string, Car>(); }
const b = new BinaryCodec({ registry }); const j = new JsonCodec({ registry });
const g = new Garage();
for (let i = 0; i < 1000; i++) { const c = Object.assign(new Car(), { name: 'car' + i, speed: i * 1.5, ok: i % 2 === 0 }); g.cars.push(c); g.byName.set(c.name, c); }
for (const [name, codec] of [['binary', b]] as const) {
  const m = new NetMessage(g);
  let bytes: string | Uint8Array = codec.encode(m);
  for (let k = 0; k < 3; k++) {
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < 2000; i++) { bytes = codec.encode(m); }
  const enc = Number(process.hrtime.bigint() - t0) / 2000 / 1e3;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < 2000; i++) { codec.decode(bytes); }
  console.log(name, bytes.length, enc, Number(process.hrtime.bigint() - t0) / 2000 / 1e3, 'us enc/dec');
  }
}
