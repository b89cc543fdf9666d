import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { auditExportStream, EXPORT_FORMATS, startAuditExport } from "@/lib/audit/audit-export";
import { parseAuditFilter } from "@/lib/audit/audit-query";
import { requestMetaFrom } from "@/app/_server/request-meta";
import { errorResponse, fileHeaders, jsonError, routeContext } from "@/app/api/documents/_lib/route-context";

export const dynamic = "force-dynamic";

const formatSchema = z.enum(EXPORT_FORMATS);

/**
 * GET /api/audit/export?format=jsonl|csv&actor=&action=&certificate=&from=&to=
 * The active organisation's audit log (never another's: the organisation comes from the
 * session), filtered like the audit page, streamed page by page. Recorded as "audit.exported".
 */
export async function GET(request: Request): Promise<Response> {
  const { ctx, response } = await routeContext("audit.export");
  if (response !== undefined) return response;
  const params = new URL(request.url).searchParams;
  const format = formatSchema.safeParse(params.get("format"));
  if (!format.success) return jsonError(400, "Choose format=jsonl or format=csv.");
  let filter;
  try {
    filter = parseAuditFilter(params);
  } catch (error) {
    if (error instanceof z.ZodError) return jsonError(400, error.issues[0]?.message ?? "Check the filters.");
    throw error;
  }
  try {
    const db = await getDb();
    const plan = await startAuditExport(db, ctx, filter, format.data, requestMetaFrom(request.headers));
    return new Response(auditExportStream(db, plan), {
      headers: fileHeaders(plan.contentType, null, `attachment; filename="${plan.fileName}"`),
    });
  } catch (error) {
    return errorResponse(error);
  }
}
