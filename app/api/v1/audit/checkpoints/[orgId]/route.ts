import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { PLATFORM_CHAIN } from "@/lib/audit/audit-actions";
import { publicCheckpoints } from "@/lib/audit/checkpoints";

export const dynamic = "force-dynamic";

const idSchema = z.union([z.string().uuid(), z.literal(PLATFORM_CHAIN)]);

const PUBLIC_HEADERS = {
  "Cache-Control": "public, max-age=60",
  "Access-Control-Allow-Origin": "*",
  "X-Content-Type-Options": "nosniff",
};

/**
 * GET /api/v1/audit/checkpoints/{orgId} (or /platform), no sign-in: the chain's signed
 * checkpoints, newest first (latest and the last 100), each with its exact signed statement,
 * signature and key id. Only sequence numbers and hashes: nothing of the entries' content.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ orgId: string }> }): Promise<Response> {
  const id = idSchema.safeParse((await params).orgId);
  const notFound = () => Response.json({ error: "No such audit log." }, { status: 404, headers: PUBLIC_HEADERS });
  if (!id.success) return notFound();
  const document = await publicCheckpoints(await getDb(), id.data);
  if (document === null) return notFound();
  return Response.json({ ...document, publicKeys: "/api/v1/audit/public-keys" }, { headers: PUBLIC_HEADERS });
}
