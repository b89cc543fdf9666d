export { sealPdf, startOriginalDigest } from "@/lib/engine/seal/seal-pdf";
export type { PrefixDigest } from "@/lib/engine/pdf/byte-range-digest";
