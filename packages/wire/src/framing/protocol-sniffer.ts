import { concatBytes, utf8Bytes } from '../platform/bytes';

/** Bytes a connection keeps from its start, to name the protocol of a peer that does not speak OON. */
export const SNIFF_BYTES = 8;

const SIGNATURES: ReadonlyArray<readonly [prefix: Uint8Array, diagnosis: string]> = [
  ...['GET ', 'POST', 'HEAD', 'PUT ', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'PRI * HTTP'].map(
    (verb) => [utf8Bytes(verb), "HTTP request on an OON port: OON is not HTTP; point OonClient (not a browser or HTTP client) at this port"] as const,
  ),
  [utf8Bytes('HTTP/'), 'HTTP response from the peer: an HTTP server listens there, not an OON server'],
  [Uint8Array.of(0x16, 0x03), 'TLS client on a plain port: this side does not speak TLS; connect without TLS'],
  [utf8Bytes('{"head"'), "origin oon 0.0.5 peer: use protocol 'oon-0.0.5' to speak the origin's unframed JSON"],
  [utf8Bytes('SSH-'), 'SSH client on an OON port'],
];

/**
 * Names the protocol a peer speaks from its first bytes, when it is a known one that is
 * not OON: HTTP, TLS, the origin's unframed JSON (`{"head"`), SSH. Called only once
 * the frame decoder has refused the stream's first length, so an OON peer never pays
 * for it. `first` may be shorter than a signature: what is there must match.
 */
export function sniffForeignProtocol(first: Uint8Array): string | undefined {
  if (first.length < 2) return undefined;
  for (const [prefix, diagnosis] of SIGNATURES) {
    const n = Math.min(prefix.length, first.length);
    if (n >= Math.min(prefix.length, 4) && startsWith(first, prefix, n)) return diagnosis;
  }
  return undefined;
}

/** Keeps a stream's first {@link SNIFF_BYTES} bytes, across however many chunks they come in. */
export class StreamStart {
  #bytes: Uint8Array = new Uint8Array(0);

  /** True once enough bytes are kept; the owner can stop feeding then. */
  get full(): boolean {
    return this.#bytes.length >= SNIFF_BYTES;
  }

  /** The bytes kept so far. */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** Keeps the front of `chunk` while fewer than {@link SNIFF_BYTES} are kept. */
  add(chunk: Uint8Array): void {
    if (this.full) return;
    this.#bytes = concatBytes([this.#bytes, chunk.subarray(0, SNIFF_BYTES - this.#bytes.length)]);
  }
}

/** True when the first `n` bytes of `a` and `b` are equal. */
function startsWith(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
