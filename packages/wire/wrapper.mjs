// ESM entry: re-exports the CommonJS build so `import` and `require` share one module instance.
import wire from './dist/index.js';

export const {
  FrameKind, FRAME_HEADER_BYTES, FRAME_LENGTH_BYTES, PROTOCOL_VERSION, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_COLLECTION_LENGTH, DEFAULT_MAX_STRING_BYTES,
  DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_CLOSE_GRACE, encodeFrame, FrameDecoder, JsonCodec, BinaryCodec, checkEndpointCodecOptions, pyString, pyFloat, pyInt,
  pyNumber, SUPPORTED_CODECS, parseHello, agreeCodec, acceptedCodec, clientHello, serverHello, encodeHello,
  describeRegistry, schemaHash, parseSchema, diffSchemas, checkSchemas, MAX_LISTED_DIFFERENCES, Connection, JsonDocumentSplitter, Inbox,
  DEFAULT_INBOX_HIGH_WATER_MARK, forInstancesOf, PendingRequests, RequestHandlers,
  DEFAULT_REQUEST_TIMEOUT, Session, DEFAULT_RESUME_WINDOW, DEFAULT_MAX_BUFFERED_BYTES, SEQ_BYTES, encodeMessageFrame, checkSocketPath,
  DEFAULT_PARTIAL_FRAME_TIMEOUT, DEFAULT_MAX_PENDING_BYTES, DEFAULT_PING_INTERVAL, DEFAULT_PONG_TIMEOUT,
  DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_REQUESTS_IN_FLIGHT, errorFrame, sniffForeignProtocol, checkLimits,
} = wire;
