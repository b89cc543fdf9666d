/**
 * lib/pdf: the PDF layer of the sealing core. Reads PDFs for incremental signing,
 * appends signature fields (visible seal stamps included) by incremental update, and
 * reads signatures and revisions back for the verifier. Knows nothing of CMS.
 */
export {
  prepareSignature,
  MAX_CONTENTS_BYTES,
  type SignatureRequest,
  type PreparedSignature,
} from "@/lib/engine/pdf/prepare-signature";
export { embedSignature, embedSignatureInUpdate } from "@/lib/engine/pdf/embed-signature";
export { digestByteRange, digestByteRangeOfParts, type DigestAlgorithm } from "@/lib/engine/pdf/byte-range-digest";
export { readSignatures, type EmbeddedSignature } from "@/lib/engine/pdf/read-signatures";
export { listRevisions, type Revision } from "@/lib/engine/pdf/revisions";
export {
  analyseChangesAfter,
  type ChangesAfter,
  type RevisionChanges,
  type ObjectChange,
  type ChangeCategory,
} from "@/lib/engine/pdf/change-analysis";
export { formatStampTime, type SealStampContent } from "@/lib/engine/pdf/seal-stamp";
export type { VisibleRect } from "@/lib/engine/pdf/page-geometry";
export { PDF_LIMITS, SEAL_RESERVE, sealingLimits, type PdfLimits } from "@/lib/engine/pdf/limits";
export {
  NotAPdfError,
  PdfDamagedError,
  PdfEncryptedError,
  PdfLimitExceededError,
  PdfUnsoundStructureError,
  PlaceholderTooSmallError,
  SignatureRequestError,
} from "@/lib/engine/pdf/pdf-errors";
export { checkSoundStructure } from "@/lib/engine/pdf/sound-structure";
export { visiblePageSize } from "@/lib/engine/pdf/page-geometry";
export { findPage, walkPageTree } from "@/lib/engine/pdf/page-tree";
export { PdfFile } from "@/lib/engine/pdf/pdf-file";
