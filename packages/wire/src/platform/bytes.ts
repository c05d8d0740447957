/**
 * The byte operations the codecs, framing and sessions share, written once for Node and
 * the browser. Where Node's `Buffer` exists its native paths are used (as msgpackr does):
 * `utf8Write` and `byteLength` beat `TextEncoder` several times over for the short
 * strings messages hold, and `allocUnsafe` takes small buffers from a pool without
 * zeroing them. Elsewhere the same calls run on `Uint8Array`, `TextEncoder` and
 * `atob`/`btoa`. Nothing here imports a Node module, so a bundler for the browser
 * finds nothing to polyfill; in Node the bytes handed out are Buffers, as before.
 */

/** Node's `Buffer` where there is one. Read from `globalThis` so that a bundler sees no global `Buffer` to shim. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
/** Buffer's own UTF-8 writer: native, and it works on any Uint8Array. */
const nodeUtf8Write = NodeBuffer?.prototype.utf8Write as ((this: Uint8Array, text: string, offset: number) => number) | undefined;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** `n` bytes of uninitialized memory (a Node Buffer from its pool when small), for one message or frame. */
export const allocBytes: (n: number) => Uint8Array = NodeBuffer === undefined ? (n) => new Uint8Array(n) : (n) => NodeBuffer.allocUnsafe(n);

/** `n` bytes of memory of their own (never a pool's), for a slab that many messages are written into. */
export const allocSlab: (n: number) => Uint8Array = NodeBuffer === undefined ? (n) => new Uint8Array(n) : (n) => NodeBuffer.allocUnsafeSlow(n);

/** Bytes `text` takes in UTF-8. */
export const utf8Length: (text: string) => number = NodeBuffer === undefined ? utf8LengthJs : (text) => NodeBuffer.byteLength(text, 'utf8');

/**
 * Writes `text` as UTF-8 into `buf` at `at`; returns the bytes written. The caller makes
 * room first ({@link utf8Length}, or 3 bytes per UTF-16 unit): what does not fit is cut.
 */
export const utf8Write: (buf: Uint8Array, text: string, at: number) => number =
  nodeUtf8Write === undefined ? (buf, text, at) => encoder.encodeInto(text, buf.subarray(at)).written : (buf, text, at) => nodeUtf8Write.call(buf, text, at);

/** `text` as UTF-8 bytes, in memory of their own. */
export function utf8Bytes(text: string): Uint8Array {
  const out = allocBytes(utf8Length(text));
  utf8Write(out, text, 0);
  return out;
}

/** The UTF-8 text of `bytes`; a malformed sequence reads as U+FFFD (as `Buffer.toString` does). */
export function utf8Text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** The big-endian u32 at `at` (the caller knows the 4 bytes are there). */
export function readU32BE(buf: Uint8Array, at: number): number {
  return (buf[at] as number) * 0x1000000 + (((buf[at + 1] as number) << 16) | ((buf[at + 2] as number) << 8) | (buf[at + 3] as number));
}

/** Writes `value` (a u32) big-endian at `at` (the caller makes room); by hand, as Buffer's writer validates its arguments on every call. */
export function writeU32BE(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value >>> 24;
  buf[at + 1] = (value >>> 16) & 0xff;
  buf[at + 2] = (value >>> 8) & 0xff;
  buf[at + 3] = value & 0xff;
}

/** The chunks one after another, in memory of their own. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = allocBytes(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** A copy of `bytes` in memory of its own (a received chunk's view must not be kept). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = allocBytes(bytes.length);
  out.set(bytes);
  return out;
}

/** `bytes` in base64 (RFC 4648, with padding). */
export function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  // btoa takes a "binary string"; built in slices, as spreading a big array overflows the stack.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of base64 `text`; the caller has checked that it is base64. */
export function fromBase64(text: string): Uint8Array {
  if (NodeBuffer !== undefined) return NodeBuffer.from(text, 'base64');
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function utf8LengthJs(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: 4 bytes for its 2 units.
      bytes += 2;
      i++;
    } else bytes += 2; // a lone surrogate is written as U+FFFD, 3 bytes like the rest
  }
  return bytes;
}
