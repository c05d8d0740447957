/**
 * What a user of OON may need from the wire layer: the protocol's constants and frame
 * codec, the two object codecs, the limits' defaults and the options every endpoint
 * takes. The machinery `@oon/server` and `@oon/client` share lives in
 * `@oon/wire/internal`, which is no public API and may change in any release.
 *
 * @packageDocumentation
 */
export {
  FrameKind,
  FRAME_HEADER_BYTES,
  FRAME_LENGTH_BYTES,
  PROTOCOL_VERSION,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_COLLECTION_LENGTH,
  DEFAULT_MAX_STRING_BYTES,
  DEFAULT_MAX_BIGINT_DIGITS,
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_CLOSE_GRACE,
  FAULT_CLOSE_GRACE,
  DEFAULT_PARTIAL_FRAME_TIMEOUT,
  DEFAULT_MAX_PENDING_BYTES,
  DEFAULT_PING_INTERVAL,
  DEFAULT_PONG_TIMEOUT,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_REQUESTS_IN_FLIGHT,
} from './framing/constants';
export { encodeFrame } from './framing/frame-encoder';
export { FrameDecoder } from './framing/frame-decoder';
export type { FrameDecoderOptions, FrameHandler, FrameSpanHandler } from './framing/frame-decoder';
export type { Codec, CodecLimits } from './codec/codec';
export { JsonCodec } from './codec/json/json-codec';
export type { JsonCodecOptions } from './codec/json/json-codec';
export { useJsonCodec } from './codec/json/json-wire';
export { BinaryCodec } from './codec/binary/binary-codec';
export type { BinaryCodecOptions } from './codec/binary/binary-codec';
export type { CodecOptions } from './codec/codec-options';
export { useClassValidator } from './codec/validation';
export type { ClassValidatorModule, ValidationError } from './codec/class-validator-module';
export { pyString, pyFloat, pyInt, pyNumber } from './codec/json/python-json';
export { SUPPORTED_CODECS } from './handshake/handshake';
export { describeRegistry, schemaHash } from './schema/registry-schema';
export type {
  RegistrySchema,
  ClassDescription,
  FieldDescription,
  EnumDescription,
  EnumMemberDescription,
} from './schema/registry-schema';
export type { ConnectionOptions, DisconnectReason, WireProtocol } from './connection/connection-options';
export type { Logger } from './logger';
export { DEFAULT_RESUME_WINDOW, DEFAULT_MAX_BUFFERED_BYTES } from './session/session';
export type { DeliveryStats } from './session/session';
export { DEFAULT_INBOX_HIGH_WATER_MARK } from './connection/inbox';
export type { ReceiveOptions } from './connection/inbox';
export { resolveSchemas, SchemaRule } from './schema/schema-resolution';
export type { SchemaProblem, ClassResolution, FieldResolution, SchemaResolution, ResolutionSides } from './schema/schema-resolution';
export type { SchemaProblems } from './schema/schema-agreement';
export type { SchemaPolicy } from './handshake/handshake-driver';
export { checkCompatibility } from './schema/schema-compatibility';
export type { CompatibilityProblem } from './schema/schema-compatibility';
export type { AnyClass } from './connection/class-filter';
export { DEFAULT_REQUEST_TIMEOUT } from './rpc/requests';
export type { RequestOptions, UncheckedRequestOptions, RequestHandler } from './rpc/requests';
export { requestName } from './rpc/request-name';
export type { MessageRejection } from './connection/message-rejection';
