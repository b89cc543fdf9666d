import { PlaceholderTooSmallError } from "./errors";
import type { PreparedSignature } from "./prepare-signature";

/**
 * Writes the DER signature as hex into the /Contents placeholder, in place (the
 * prepared buffer is modified and returned; it is never resized). The rest of the
 * placeholder stays "0" padding.
 */
export function embedSignature(prepared: PreparedSignature, der: Uint8Array): Uint8Array {
  if (der.length > prepared.contentsCapacity) throw new PlaceholderTooSmallError(der.length, prepared.contentsCapacity);
  const hex = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("hex");
  const out = Buffer.from(prepared.bytes.buffer, prepared.bytes.byteOffset, prepared.bytes.byteLength);
  if (out[prepared.contentsOffset] !== 0x3c || out[prepared.contentsOffset + prepared.contentsCapacity * 2 + 1] !== 0x3e) {
    throw new RangeError("prepared signature does not point at its /Contents placeholder");
  }
  out.write(hex, prepared.contentsOffset + 1, "latin1");
  return prepared.bytes;
}
