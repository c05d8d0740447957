/**
 * The machinery `@oon/server` and `@oon/client` share: no public API, and any release may
 * change it. Users import from `@oon/wire` (or, better, `@oon/server`/`@oon/client`).
 *
 * @packageDocumentation
 * @internal
 */
export { errorFrame } from './rpc/error-report';
export { checkLimits } from './connection/check-limits';
export { checkLogger, log, logFault, logLinkClosed } from './logger';
export { sniffForeignProtocol } from './framing/protocol-sniffer';
export { checkEndpointCodecOptions } from './codec/codec-options';
export { parseHello, agreeCodec, acceptedCodec, clientHello, serverHello, encodeHello, linkClassNumbers } from './handshake/handshake';
export type { Hello, HelloOptions, ClientHelloOptions } from './handshake/handshake';
export { parseSchema, classNumbering } from './schema/registry-schema';
export { diffSchemas, checkSchemas, MAX_LISTED_DIFFERENCES } from './schema/schema-diff';
export { Connection } from './connection/connection';
export { isResumable } from './connection/connection-options';
export { describeLinkLoss } from './connection/link-loss';
export type { LinkLoss } from './connection/link-loss';
export type { ConnectionEvents, ConnectionOwner, ResumeProof, SessionGrant } from './connection/connection-options';
export { Session } from './session/session';
export { sendWindow } from './session/session-options';
export { ACK_DELAY, ACK_EVERY_BYTES, ackEveryBytes } from './session/ack-schedule';
export { SEQ_BYTES } from './session/seq';
export { checkSessionProof, randomSecret, sessionProof, SESSION_SECRET_BYTES } from './session/session-proof';
export { fromBase64, toBase64 } from './platform/bytes';
export type { SessionHello, SessionBinding, SessionLink, SessionOptions } from './session/session';
export { encodeMessageFrame } from './framing/message-frame';
export { SharedMessage } from './codec/shared-message';
export type { PayloadKey } from './codec/shared-message';
export { quietly, rejectedQuietly, settle } from './connection/send-outcome';
export type { SendOutcome } from './connection/send-outcome';
export { CONTROL_ALLOWANCE_BYTES } from './connection/outbox';
export { Inbox } from './connection/inbox';
export type { InboxOptions } from './connection/inbox';
export { JsonDocumentSplitter } from './framing/json-document-splitter';
export type { JsonDocumentSplitterOptions } from './framing/json-document-splitter';
export { forInstancesOf } from './connection/class-filter';
export { PendingRequests, RequestHandlers } from './rpc/requests';
export { nameOfRequest } from './rpc/request-name';
export type { PendingRequestsHooks } from './rpc/requests';
export { checkSocketPath } from './transport/address';
export type { EndpointAddress } from './transport/address';
export { SocketTransport } from './transport/socket-transport';
export type { Transport, TransportKind, TransportSink } from './transport/transport';
export { WebSocketTransport, WEBSOCKET_MESSAGE_BYTES } from './transport/websocket-transport';
export type { WebSocketLike, WebSocketLikeEvents, WebSocketPeerAddress } from './transport/websocket-transport';
