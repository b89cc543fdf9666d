/**
 * lib/pdf: the PDF layer of the sealing core. Reads PDFs for incremental signing,
 * appends signature fields (visible seal stamps included) by incremental update, and
 * reads signatures and revisions back for the verifier. Knows nothing of CMS.
 */
export { prepareSignature, MAX_CONTENTS_BYTES, type SignatureRequest, type PreparedSignature } from "./prepare-signature";
export { embedSignature, embedSignatureInUpdate } from "./embed-signature";
export { digestByteRange, digestByteRangeOfParts, type DigestAlgorithm } from "./byte-range-digest";
export { readSignatures, type EmbeddedSignature } from "./read-signatures";
export { listRevisions, type Revision } from "./revisions";
export { analyseChangesAfter, type ChangesAfter, type RevisionChanges, type ObjectChange, type ChangeCategory } from "./change-analysis";
export { formatStampTime, type SealStampContent } from "./seal-stamp";
export type { VisibleRect } from "./page-geometry";
export { PDF_LIMITS, SEAL_RESERVE, sealingLimits, type PdfLimits } from "./limits";
export { NotAPdfError, PdfDamagedError, PdfEncryptedError, PdfLimitExceededError, PdfUnsoundStructureError, PlaceholderTooSmallError, SignatureRequestError } from "./pdf-errors";
export { checkSoundStructure } from "./sound-structure";
export { visiblePageSize } from "./page-geometry";
export { findPage, walkPageTree } from "./page-tree";
export { PdfFile } from "./pdf-file";
