/**
 * Overwrites secret bytes in place (a decrypted PKCS#8, a data key). JavaScript
 * gives no guarantee that no other copy exists, but the buffer we own and hand
 * around is the one that would otherwise linger until garbage collection.
 * Accepts undefined so it fits `finally` blocks.
 */
export function zeroize(...buffers: readonly (Uint8Array | undefined)[]): void {
  for (const buffer of buffers) buffer?.fill(0);
}
