import { getDb } from "@/lib/db/client";
import { contentDisposition } from "@/lib/documents/file-names";
import { openOriginal } from "@/lib/documents/open-document";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import { errorResponse, fileHeaders, routeContext } from "@/app/api/documents/_lib/route-context";

export const dynamic = "force-dynamic";

/** The original as uploaded, for the preview (pdf.js fetches it) and for download. Own organisation only. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ documentId: string }> },
): Promise<Response> {
  const { ctx, response } = await routeContext("documents.view");
  if (response !== undefined) return response;
  try {
    const { documentId } = await params;
    const file = await openOriginal(await getDb(), processDocumentStore().store, ctx, documentId);
    // Always an attachment: an uploaded PDF is never opened as a page of Signet's origin.
    return new Response(file.body, {
      headers: fileHeaders("application/pdf", file.size, contentDisposition(file.fileName)),
    });
  } catch (error) {
    return errorResponse(error);
  }
}
