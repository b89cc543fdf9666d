import path from "node:path";

/** ../shared beside the checkout (where CI puts it), or SIGNET_SHARED_DIR. */
export const SHARED_DIR =
  process.env.SIGNET_SHARED_DIR ?? path.resolve(import.meta.dirname, "..", "..", "..", "shared");
export const PDF_CORPUS_DIR = path.join(SHARED_DIR, "pdf-corpus");
export const SIGNED_CORPUS_DIR = path.join(PDF_CORPUS_DIR, "signed");
