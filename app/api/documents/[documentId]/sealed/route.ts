import { getDb } from "@/lib/db/client";
import { contentDisposition } from "@/lib/documents/file-names";
import { openSealed } from "@/lib/documents/open-document";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import { errorResponse, fileHeaders, routeContext } from "@/app/api/documents/_lib/route-context";

export const dynamic = "force-dynamic";

/** The latest sealed version of a document of the caller's organisation, as "<name>-sealed.pdf". */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ documentId: string }> },
): Promise<Response> {
  const { ctx, response } = await routeContext("documents.view");
  if (response !== undefined) return response;
  try {
    const { documentId } = await params;
    const file = await openSealed(await getDb(), processDocumentStore().store, ctx, documentId);
    return new Response(file.body, {
      headers: {
        ...fileHeaders("application/pdf", file.size, contentDisposition(file.fileName)),
        "X-Content-SHA256": file.sha256,
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
