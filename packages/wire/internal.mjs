// ESM entry of `@oon/wire/internal`: re-exports the CommonJS build so `import` and
// `require` share one module instance (one Connection class, one Session class).
import internal from './dist/internal.js';

export const {
  errorFrame, checkLimits, checkLogger, log, logFault, logLinkClosed, sniffForeignProtocol, checkEndpointCodecOptions, parseHello, agreeCodec, acceptedCodec,
  clientHello, serverHello, encodeHello, linkClassNumbers, parseSchema, classNumbering, diffSchemas, checkSchemas, MAX_LISTED_DIFFERENCES, Connection, isResumable, describeLinkLoss,
  Session, sendWindow, ACK_DELAY, ACK_EVERY_BYTES, ackEveryBytes, SEQ_BYTES, checkSessionProof, randomSecret, sessionProof, SESSION_SECRET_BYTES, fromBase64, toBase64, encodeMessageFrame, SharedMessage, Inbox,
  JsonDocumentSplitter, forInstancesOf, PendingRequests, RequestHandlers, nameOfRequest, checkSocketPath, quietly, rejectedQuietly, settle,
  CONTROL_ALLOWANCE_BYTES, SocketTransport, WebSocketTransport, WEBSOCKET_MESSAGE_BYTES,
} = internal;
