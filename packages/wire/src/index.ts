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
} from './constants';
export { encodeFrame } from './frame-encoder';
export { FrameDecoder } from './frame-decoder';
export type { FrameDecoderOptions, FrameHandler } from './frame-decoder';
export type { Codec, CodecLimits } from './codec';
export { JsonCodec } from './json-codec';
export { BinaryCodec } from './binary-codec';
export type { BinaryCodecOptions } from './binary-codec';
export { checkEndpointCodecOptions } from './codec-options';
export type { CodecOptions } from './codec-options';
export type { JsonCodecOptions } from './json-codec';
export { pyString, pyFloat, pyInt, pyNumber } from './python-json';
export { SUPPORTED_CODECS, parseHello, agreeCodec, acceptedCodec, clientHello, serverHello } from './handshake';
export type { Hello } from './handshake';
export { Connection } from './connection';
export type { ConnectionOptions, ConnectionEvents, ConnectionOwner, DisconnectReason, WireProtocol } from './connection';
export { Inbox, DEFAULT_INBOX_HIGH_WATER_MARK } from './inbox';
export type { InboxOptions, ReceiveOptions } from './inbox';
export { JsonDocumentSplitter } from './json-document-splitter';
export type { JsonDocumentSplitterOptions } from './json-document-splitter';
export { forInstancesOf } from './class-filter';
export type { AnyClass } from './class-filter';
export { PendingRequests, RequestHandlers, DEFAULT_REQUEST_TIMEOUT } from './requests';
export type { RequestOptions, RequestHandler } from './requests';
