/**
 * lib/pdf's errors speak of sealing ("cannot be sealed", "was not sealed"); a
 * verifier must say why a file cannot be *verified*. One sentence per error code,
 * for the CLI, the public page and the API.
 */
import { isSignetError, userMessage } from "@/lib/engine/errors";

const MESSAGES: Record<string, string> = {
  "pdf.not_pdf": "This file is not a PDF document.",
  "pdf.damaged": "This PDF is damaged: its structure cannot be read, so its signatures cannot be verified.",
  "pdf.encrypted": "This PDF is encrypted (password protected); encrypted PDFs cannot be verified.",
  "pdf.limit": "This PDF is too complex to verify safely (it exceeds a processing limit).",
};

export function unreadableMessage(error: unknown): string {
  return (isSignetError(error) && MESSAGES[error.code]) || userMessage(error);
}
