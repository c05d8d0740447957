/** Every codec contender, in table order: ours, the floors, then the peers (the plain-schema ones last: small graph only). */
import { avsc, avscPlain } from './avsc';
import { classTransformer } from './class-transformer';
import type { CodecContender } from './contender';
import { jsonFloor, v8Floor } from './floors';
import { msgpackr } from './msgpackr';
import { oonBinary, oonBinaryLink, oonJson } from './oon';
import { protobuf } from './protobuf';
import { protobufPlain } from './protobuf-plain';
import { superjson } from './superjson';

export const CODEC_CONTENDERS: readonly CodecContender[] = [oonBinary, oonBinaryLink, oonJson, jsonFloor, v8Floor, classTransformer, superjson, msgpackr, avsc, protobuf, avscPlain, protobufPlain];
export type { CodecContender, Root, RoundTrip } from './contender';
