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
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_CLOSE_GRACE,
  FAULT_CLOSE_GRACE,
  DEFAULT_PARTIAL_FRAME_TIMEOUT,
  DEFAULT_MAX_PENDING_BYTES,
  DEFAULT_PING_INTERVAL,
  DEFAULT_PONG_TIMEOUT,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_REQUESTS_IN_FLIGHT,
} from './constants';
export { errorFrame } from './error-report';
export { checkLimits } from './check-limits';
export { sniffForeignProtocol } from './protocol-sniffer';
export { encodeFrame } from './frame-encoder';
export { FrameDecoder } from './frame-decoder';
export type { FrameDecoderOptions, FrameHandler, FrameSpanHandler } from './frame-decoder';
export type { Codec, CodecLimits } from './codec';
export { JsonCodec } from './json-codec';
export { BinaryCodec } from './binary-codec';
export type { BinaryCodecOptions } from './binary-codec';
export { checkEndpointCodecOptions } from './codec-options';
export type { CodecOptions } from './codec-options';
export type { JsonCodecOptions } from './json-codec';
export { pyString, pyFloat, pyInt, pyNumber } from './python-json';
export {
  SUPPORTED_CODECS,
  parseHello,
  agreeCodec,
  acceptedCodec,
  clientHello,
  serverHello,
  encodeHello,
} from './handshake';
export type { Hello, HelloOptions, ClientHelloOptions } from './handshake';
export { describeRegistry, schemaHash, parseSchema } from './registry-schema';
export type {
  RegistrySchema,
  ClassDescription,
  FieldDescription,
  EnumDescription,
  EnumMemberDescription,
} from './registry-schema';
export { diffSchemas, checkSchemas, MAX_LISTED_DIFFERENCES } from './schema-diff';
export { Connection } from './connection';
export { isResumable } from './connection-options';
export type { ConnectionOptions, ConnectionEvents, ConnectionOwner, DisconnectReason, WireProtocol, SessionGrant } from './connection-options';
export { Session, DEFAULT_RESUME_WINDOW, DEFAULT_MAX_BUFFERED_BYTES } from './session';
export { SEQ_BYTES } from './seq';
export type { SessionHello, SessionBinding, SessionLink, SessionOptions, DeliveryStats } from './session';
export { encodeMessageFrame } from './message-frame';
export { Inbox, DEFAULT_INBOX_HIGH_WATER_MARK } from './inbox';
export type { InboxOptions, ReceiveOptions } from './inbox';
export { JsonDocumentSplitter } from './json-document-splitter';
export type { JsonDocumentSplitterOptions } from './json-document-splitter';
export { forInstancesOf } from './class-filter';
export type { AnyClass } from './class-filter';
export { PendingRequests, RequestHandlers, DEFAULT_REQUEST_TIMEOUT } from './requests';
export type { RequestOptions, RequestHandler, PendingRequestsHooks } from './requests';
export { checkSocketPath } from './address';
export type { EndpointAddress } from './address';
