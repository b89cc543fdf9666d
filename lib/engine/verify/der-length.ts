/** /Contents keeps the placeholder's zero padding: the DER's own length says where the signature ends. */
import { createHash } from "node:crypto";
import { readElement } from "@/lib/engine/asn1/der";

export function withoutPadding(contents: Uint8Array): Uint8Array {
  try {
    return contents.subarray(0, readElement(contents, 0).der.length);
  } catch {
    return contents;
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
