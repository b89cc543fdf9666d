import { z } from "zod";
import { rolesAllow } from "@/lib/access/permissions";
import { getDb } from "@/lib/db/client";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import { uploadDocument } from "@/lib/documents/upload-document";
import { requestMetaFrom } from "@/app/_server/request-meta";
import { errorResponse, jsonError, routeContext } from "@/app/api/documents/_lib/route-context";

export const dynamic = "force-dynamic";

const headersSchema = z.object({
  fileName: z.string().min(1).max(1000),
  contentLength: z.coerce.number().int().min(0).nullable(),
  declaredFileSize: z.coerce.number().int().min(0).nullable(),
});

/**
 * One file per request, as the raw body (so the browser reports upload progress and the
 * server streams it to storage under the size limit). The name comes in X-File-Name
 * (URI-encoded); X-File-Size lets the browser announce a file that is too large without
 * sending it, so the refusal is still audited.
 */
export async function POST(request: Request): Promise<Response> {
  const { ctx, response } = await routeContext("documents.view");
  if (response !== undefined) return response;
  if (!rolesAllow(ctx.roles, "documents.seal")) return jsonError(403, "Only signers can upload documents to seal.");
  const parsed = headersSchema.safeParse({
    fileName: safeDecode(request.headers.get("x-file-name") ?? ""),
    contentLength: request.headers.get("content-length"),
    declaredFileSize: request.headers.get("x-file-size"),
  });
  if (!parsed.success) return jsonError(400, "The upload did not say which file it is. Reload the page and try again.");
  const { fileName, contentLength, declaredFileSize } = parsed.data;
  const declaredSize = Math.max(contentLength ?? 0, declaredFileSize ?? 0);
  try {
    const { store, settings } = processDocumentStore();
    const outcome = await uploadDocument(
      await getDb(),
      store,
      ctx,
      { fileName, body: request.body ?? [], declaredSize },
      settings.maxUploadBytes,
      requestMetaFrom(request.headers),
    );
    if (outcome.accepted) {
      const { id, fileName: name, size, sha256, pageCount } = outcome.document;
      return Response.json(
        { accepted: true, document: { id, fileName: name, size, sha256, pageCount } },
        { status: 201 },
      );
    }
    return Response.json(outcome, { status: outcome.reason === "too_large" ? 413 : 422 });
  } catch (error) {
    return errorResponse(error);
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
