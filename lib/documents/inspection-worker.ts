/** Worker-thread entry of the upload verdict (lib/documents/isolated-inspection.ts). */
import { serveJobs } from "@/lib/runtime/worker-jobs";
import { inspectPdf, type PdfInspection } from "@/lib/documents/inspect-pdf";

serveJobs<{ pdf: Uint8Array }, PdfInspection>(async ({ pdf }) => inspectPdf(pdf));
