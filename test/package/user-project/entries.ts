// Prints the names every entry point gives at run time, through this module's own
// loader: require in the CommonJS build, import in the ESM one.
import * as client from '@oon/client';
import * as core from '@oon/core';
import * as nestjs from '@oon/nestjs';
import * as redis from '@oon/redis';
import * as server from '@oon/server';
import * as wire from '@oon/wire';
import * as wireInternal from '@oon/wire/internal';

const entries: Record<string, object> = {
  '@oon/core': core,
  '@oon/wire': wire,
  '@oon/wire/internal': wireInternal,
  '@oon/server': server,
  '@oon/client': client,
  '@oon/redis': redis,
  '@oon/nestjs': nestjs,
};
const names = Object.fromEntries(
  Object.entries(entries).map(([name, namespace]) => [
    name,
    Object.keys(namespace).filter((key) => key !== 'default' && key !== '__esModule').sort(),
  ]),
);
console.log(JSON.stringify(names));
