import { getDb } from "@/lib/db/client";
import { contentDisposition } from "@/lib/documents/file-names";
import { sealedFilesOfBatch } from "@/lib/documents/open-document";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import { zipStoredFiles } from "@/lib/documents/zip-files";
import { errorResponse, fileHeaders, routeContext } from "@/app/api/documents/_lib/route-context";

export const dynamic = "force-dynamic";

/** Every sealed file of one batch of the caller's organisation, as one zip (streamed). */
export async function GET(_request: Request, { params }: { params: Promise<{ batchId: string }> }): Promise<Response> {
  const { ctx, response } = await routeContext("documents.view");
  if (response !== undefined) return response;
  try {
    const { batchId } = await params;
    const files = await sealedFilesOfBatch(await getDb(), ctx, batchId);
    const name = `sealed-documents-${new Date().toISOString().slice(0, 10)}-${batchId.slice(0, 8)}.zip`;
    return new Response(zipStoredFiles(processDocumentStore().store, files), {
      headers: fileHeaders("application/zip", null, contentDisposition(name)),
    });
  } catch (error) {
    return errorResponse(error);
  }
}
