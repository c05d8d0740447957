/**
 * Randomness and HMAC from Web Crypto (`globalThis.crypto`), which Node (since 19) and
 * every browser have: one implementation, no `node:crypto` import for a bundler to trip on.
 */

/** `n` random bytes from the platform's cryptographic generator. */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65,536 bytes a call.
  for (let at = 0; at < n; at += 65_536) crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65_536)));
  return out;
}

/**
 * A random (version 4) UUID. Made from `getRandomValues` rather than `randomUUID`, which
 * browsers offer only to pages served over HTTPS or from localhost.
 */
export function randomUuid(): string {
  const b = randomBytes(16);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  let hex = '';
  for (let i = 0; i < 16; i++) {
    hex += ((b[i] as number) + 0x100).toString(16).slice(1);
    if (i === 3 || i === 5 || i === 7 || i === 9) hex += '-';
  }
  return hex;
}

/** Web Crypto's HMAC-SHA256 key of `secret`, to sign or to verify. */
function hmacKey(secret: Uint8Array, usage: 'sign' | 'verify'): ReturnType<typeof crypto.subtle.importKey> {
  return crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** HMAC-SHA256 of `data` under `secret`. */
export async function hmacSha256(secret: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), data));
}

/** Whether `mac` is the HMAC-SHA256 of `data` under `secret`: Web Crypto's `verify` compares in constant time. */
export async function verifyHmacSha256(secret: Uint8Array, data: Uint8Array, mac: Uint8Array): Promise<boolean> {
  return crypto.subtle.verify('HMAC', await hmacKey(secret, 'verify'), mac, data);
}
