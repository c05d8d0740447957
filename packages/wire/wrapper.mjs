// ESM entry: re-exports the CommonJS build so `import` and `require` share one module instance.
import wire from './dist/index.js';

export const {
  FrameKind, FRAME_HEADER_BYTES, FRAME_LENGTH_BYTES, PROTOCOL_VERSION, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_COLLECTION_LENGTH, DEFAULT_MAX_STRING_BYTES,
  DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_CLOSE_GRACE, encodeFrame, FrameDecoder, JsonCodec, BinaryCodec, checkEndpointCodecOptions, pyString, pyFloat, pyInt,
  pyNumber, SUPPORTED_CODECS, parseHello, agreeCodec, acceptedCodec, clientHello, serverHello, Connection, JsonDocumentSplitter, Inbox,
  DEFAULT_INBOX_HIGH_WATER_MARK, forInstancesOf, PendingRequests, RequestHandlers,
  DEFAULT_REQUEST_TIMEOUT,
} = wire;
