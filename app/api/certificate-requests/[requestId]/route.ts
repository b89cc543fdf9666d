import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { certificateRequestPem } from "@/lib/custody/enrol-key";
import { isSignetError } from "@/lib/engine/errors";
import { requireOrgPermission } from "@/app/_server/session";

/** Downloads a stored CSR (PEM) of the caller's active organisation. */
export async function GET(_request: Request, { params }: { params: Promise<{ requestId: string }> }) {
  try {
    const { ctx } = await requireOrgPermission("certificates.manage");
    const requestId = z
      .string()
      .uuid()
      .parse((await params).requestId);
    const { pem, label } = await certificateRequestPem(await getDb(), ctx, requestId);
    const fileName = `${label.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "signet"}.csr.pem`;
    return new Response(pem, {
      headers: {
        "Content-Type": "application/pkcs10",
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    if (isSignetError(error)) return new Response(error.message, { status: error.status });
    if (error instanceof z.ZodError) return new Response("Not found", { status: 404 });
    throw error;
  }
}
