"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
Object.defineProperty(exports, "__esModule", { value: true });
const core_1 = require("@oon/core");
const index_1 = require("../dist/index");
const registry = new core_1.Registry();
let Car = class Car {
    name = '';
    speed = 0;
    ok = false;
    at = new Date(0);
};
__decorate([
    (0, core_1.NetField)(core_1.t.string),
    __metadata("design:type", Object)
], Car.prototype, "name", void 0);
__decorate([
    (0, core_1.NetField)(core_1.t.number),
    __metadata("design:type", Object)
], Car.prototype, "speed", void 0);
__decorate([
    (0, core_1.NetField)(core_1.t.boolean),
    __metadata("design:type", Object)
], Car.prototype, "ok", void 0);
__decorate([
    (0, core_1.NetField)(core_1.t.date),
    __metadata("design:type", Object)
], Car.prototype, "at", void 0);
Car = __decorate([
    (0, core_1.NetClass)({ registry })
], Car);
let Garage = class Garage {
    cars = [];
    byName = new Map();
};
__decorate([
    (0, core_1.NetField)(() => [Car]),
    __metadata("design:type", Array)
], Garage.prototype, "cars", void 0);
__decorate([
    (0, core_1.NetField)(() => core_1.t.map(String, Car)),
    __metadata("design:type", Object)
], Garage.prototype, "byName", void 0);
Garage = __decorate([
    (0, core_1.NetClass)({ registry })
], Garage);
const b = new index_1.BinaryCodec({ registry });
const j = new index_1.JsonCodec({ registry });
const g = new Garage();
for (let i = 0; i < 1000; i++) {
    const c = Object.assign(new Car(), { name: 'car' + i, speed: i * 1.5, ok: i % 2 === 0 });
    g.cars.push(c);
    g.byName.set(c.name, c);
}
for (const [name, codec] of [['binary', b]]) {
    const m = new core_1.NetMessage(g);
    let bytes = codec.encode(m);
    for (let k = 0; k < 3; k++) {
        let t0 = process.hrtime.bigint();
        for (let i = 0; i < 2000; i++) {
            bytes = codec.encode(m);
        }
        const enc = Number(process.hrtime.bigint() - t0) / 2000 / 1e3;
        t0 = process.hrtime.bigint();
        for (let i = 0; i < 2000; i++) {
            codec.decode(bytes);
        }
        console.log(name, bytes.length, enc, Number(process.hrtime.bigint() - t0) / 2000 / 1e3, 'us enc/dec');
    }
}
