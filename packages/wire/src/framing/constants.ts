/**
 * OON protocol v1 frame layout, on every stream (TCP, TLS, Unix socket):
 *
 * ```
 * [u32 BE length][u8 kind][payload: length - 1 bytes]
 * ```
 *
 * `length` counts the kind byte and the payload, so it is never 0.
 */
export const FRAME_LENGTH_BYTES = 4;

/** Bytes before the payload: the length and the kind. */
export const FRAME_HEADER_BYTES = FRAME_LENGTH_BYTES + 1;

/** The protocol version this build speaks, sent in `hello`. */
export const PROTOCOL_VERSION = 1;

/** What a frame carries, by its kind byte. */
export const FrameKind = {
  /** First frame each side sends: protocol version and codecs (JSON). */
  Hello: 1,
  /** One object, encoded by the agreed codec. */
  Message: 2,
  /** A request: u32 BE id, then a message. */
  Request: 3,
  /** The answer to a request: u32 BE id, u8 status, then the reply or an error report. */
  Response: 4,
  /** The sender is dropping the connection and says why (JSON `{code, message}`). */
  Error: 5,
  /** Heartbeat: "are you there?"; answered at once with a Pong. Empty payload. */
  Ping: 6,
  /** Heartbeat answer. Empty payload. */
  Pong: 7,
  /** The sender closes on purpose and ends its session: the peer must not resume it (empty). */
  Close: 8,
  /** Session connections only: the highest message seq received in order (u64 BE). */
  Ack: 9,
  /**
   * A message of the peer's could not be read and was dropped; the connection goes on.
   * JSON `{id, class, code, message}`: the message's id and class (when readable), and why.
   */
  Rejected: 10,
  /**
   * Handshake only, server to a client whose hello names a session to resume: a fresh
   * random nonce (32 bytes) the client must prove the session's secret over.
   */
  Challenge: 11,
  /** Handshake only, the client's answer to a Challenge: HMAC-SHA256 of the nonce under the session's secret (32 bytes). */
  Proof: 12,
  /**
   * Session connections only, to a peer whose hello said `next: true`: a message without
   * its seq, which is one past the message before it on this link (the first message of a
   * link is a Message with its seq). One message, as a Message's payload.
   */
  NextMessage: 13,
} as const;

/** A frame kind byte. */
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** The address the origin used by default (`StartValues.NetIp`). */
export const DEFAULT_HOST = '127.0.0.1';

/** The origin's default port (`StartValues.NetPort`). */
export const DEFAULT_PORT = 9090;

/** Largest frame accepted or sent, counting kind and payload. @default 1 MiB */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** Deepest nesting of objects and arrays a codec writes or reads. @default 64 */
export const DEFAULT_MAX_DEPTH = 64;

/** Milliseconds to wait for the peer's `hello`. @default 5000 */
export const DEFAULT_HANDSHAKE_TIMEOUT = 5_000;

/**
 * Milliseconds a closing connection lets what is in flight finish (its queued frames
 * flushed, the peer's close awaited) before destroying the socket. @default 10000
 */
export const DEFAULT_CLOSE_GRACE = 10_000;

/**
 * Milliseconds a connection dropped for a fault (a bad frame, a missed deadline: the
 * handshake, a partial frame, a ping) is kept after its Error frame and end are written,
 * for the peer to read them and close; then the socket is destroyed. Short, and not
 * `closeGrace`: a peer at fault that does not read would otherwise hold its socket (and
 * its slot) for the whole grace a graceful `close()` gives. The lesser of this and
 * `closeGrace` applies. Also how long a server lets a refused client read why.
 */
export const FAULT_CLOSE_GRACE = 1_000;

/** Milliseconds a peer may take to finish a frame it has started (slowloris guard). @default 10000 */
export const DEFAULT_PARTIAL_FRAME_TIMEOUT = 10_000;

/**
 * Bytes written to a connection and not yet taken by the peer: past this, the peer is
 * evicted as a slow consumer. @default 8 MiB
 */
export const DEFAULT_MAX_PENDING_BYTES = 8 * 1024 * 1024;

/** Milliseconds between heartbeats (a ping when the peer has been silent). @default 25000 */
export const DEFAULT_PING_INTERVAL = 25_000;

/** Milliseconds a peer has to answer a ping before it is dropped with `Timeout`. @default 20000 */
export const DEFAULT_PONG_TIMEOUT = 20_000;

/**
 * Requests of the peer one connection handles at once (HTTP/2's
 * SETTINGS_MAX_CONCURRENT_STREAMS): docs/limits.md says why this many. @default 256
 */
export const DEFAULT_MAX_REQUESTS_IN_FLIGHT = 256;

/** Connections a server holds at once (handshaking or open); the next is refused. @default 10000 */
export const DEFAULT_MAX_CONNECTIONS = 10_000;

/** Most elements in one array, `Map` or `Set` a codec writes or reads. @default 100,000 */
export const DEFAULT_MAX_COLLECTION_LENGTH = 100_000;

/** Most UTF-8 bytes in one string (and bytes in one `t.bytes` value) a codec writes or reads. @default 1 MiB */
export const DEFAULT_MAX_STRING_BYTES = 1024 * 1024;

/**
 * Most decimal digits in one `bigint` the JSON codec writes or reads. Decimal text is
 * parsed in superlinear time (900,000 digits: 100 ms; 4,096: 0.05 ms), so one peer
 * could spend the server's CPU with a few large frames; at this bound a frame full of
 * bigints costs about what a frame of other JSON does. 4,096 digits hold a 13,600-bit
 * integer. The binary codec sends hex, read in linear time. @default 4096
 */
export const DEFAULT_MAX_BIGINT_DIGITS = 4096;
