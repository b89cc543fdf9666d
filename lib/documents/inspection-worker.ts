/** Worker-thread entry of the upload verdict (lib/documents/isolated-inspection.ts). */
import { serveJobs } from "../runtime/worker-jobs";
import { inspectPdf, type PdfInspection } from "./inspect-pdf";

serveJobs<{ pdf: Uint8Array }, PdfInspection>(async ({ pdf }) => inspectPdf(pdf));
