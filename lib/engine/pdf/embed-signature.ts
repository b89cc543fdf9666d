import { PlaceholderTooSmallError } from "@/lib/engine/pdf/pdf-errors";
import type { PreparedSignature } from "@/lib/engine/pdf/prepare-signature";

/**
 * Writes the DER signature as hex into the /Contents placeholder, in place: `prepared.update`
 * is modified (never resized), the original is not touched. The rest of the placeholder stays
 * "0" padding. Returns the whole signed file joined; large-file callers write
 * `prepared.original` and `prepared.update` instead.
 */
export function embedSignature(prepared: PreparedSignature, der: Uint8Array): Uint8Array {
  embedSignatureInUpdate(prepared, der);
  return prepared.bytes;
}

/** As embedSignature, without joining: afterwards the signed file is `prepared.original` ‖ `prepared.update`. */
export function embedSignatureInUpdate(prepared: PreparedSignature, der: Uint8Array): void {
  if (der.length > prepared.contentsCapacity) throw new PlaceholderTooSmallError(der.length, prepared.contentsCapacity);
  const hex = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("hex");
  const update = Buffer.from(prepared.update.buffer, prepared.update.byteOffset, prepared.update.byteLength);
  const at = prepared.contentsOffset - prepared.original.length;
  if (at < 0 || update[at] !== 0x3c || update[at + prepared.contentsCapacity * 2 + 1] !== 0x3e) {
    throw new RangeError("prepared signature does not point at its /Contents placeholder");
  }
  update.write(hex, at + 1, "latin1");
}
