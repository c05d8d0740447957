/** Bytes a connection keeps from its start, to name the protocol of a peer that does not speak OON. */
export const SNIFF_BYTES = 8;

const SIGNATURES: ReadonlyArray<readonly [prefix: Buffer, diagnosis: string]> = [
  ...['GET ', 'POST', 'HEAD', 'PUT ', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'PRI * HTTP'].map(
    (verb) => [Buffer.from(verb), "HTTP request on an OON port: OON is not HTTP; point OonClient (not a browser or HTTP client) at this port"] as const,
  ),
  [Buffer.from('HTTP/'), 'HTTP response from the peer: an HTTP server listens there, not an OON server'],
  [Buffer.from([0x16, 0x03]), 'TLS client on a plain port: this side does not speak TLS; connect without TLS'],
  [Buffer.from('{"head"'), "origin oon 0.0.5 peer: use protocol 'oon-0.0.5' to speak the origin's unframed JSON"],
  [Buffer.from('SSH-'), 'SSH client on an OON port'],
];

/**
 * Names the protocol a peer speaks from its first bytes, when it is a known one that is
 * not OON: HTTP, TLS, the origin's unframed JSON (`{"head"`), SSH. Called only once
 * the frame decoder has refused the stream's first length, so an OON peer never pays
 * for it. `first` may be shorter than a signature: what is there must match.
 */
export function sniffForeignProtocol(first: Buffer): string | undefined {
  if (first.length < 2) return undefined;
  for (const [prefix, diagnosis] of SIGNATURES) {
    const n = Math.min(prefix.length, first.length);
    if (n >= Math.min(prefix.length, 4) && first.subarray(0, n).equals(prefix.subarray(0, n))) return diagnosis;
  }
  return undefined;
}

/** Keeps a stream's first {@link SNIFF_BYTES} bytes, across however many chunks they come in. */
export class StreamStart {
  #bytes = Buffer.alloc(0);

  /** True once enough bytes are kept; the owner can stop feeding then. */
  get full(): boolean {
    return this.#bytes.length >= SNIFF_BYTES;
  }

  /** The bytes kept so far. */
  get bytes(): Buffer {
    return this.#bytes;
  }

  /** Keeps the front of `chunk` while fewer than {@link SNIFF_BYTES} are kept. */
  add(chunk: Buffer): void {
    if (this.full) return;
    this.#bytes = Buffer.concat([this.#bytes, chunk.subarray(0, SNIFF_BYTES - this.#bytes.length)]);
  }
}
