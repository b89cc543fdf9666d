/** What every per-signature check needs from the document and the caller. */
import type { Certificate } from "@/lib/engine/pki/certificate";
import type { ByteRangeDigester } from "@/lib/engine/verify/byte-range-digester";

export interface VerificationContext {
  anchors: readonly Certificate[];
  /** Intermediates given by the caller and those found in the document's DSS. */
  intermediates: readonly Certificate[];
  /** Judges certificate validity when a signature states no time at all. */
  now: Date;
  digester: ByteRangeDigester;
}
