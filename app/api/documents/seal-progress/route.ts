import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { sealProgress } from "@/lib/sealing/seal-progress";
import { errorResponse, jsonError, routeContext } from "@/app/api/documents/_lib/route-context";

export const dynamic = "force-dynamic";

const querySchema = z.object({ challenge: z.string().uuid(), ids: z.array(z.string().uuid()).min(1).max(100) });

/** Progress of a running batch, polled by the placement page while the seal action runs. */
export async function GET(request: Request): Promise<Response> {
  const { ctx, response } = await routeContext("documents.view");
  if (response !== undefined) return response;
  const search = new URL(request.url).searchParams;
  const query = querySchema.safeParse({ challenge: search.get("challenge"), ids: search.getAll("id") });
  if (!query.success) return jsonError(400, "Which batch? The request was incomplete.");
  try {
    const progress = await sealProgress(await getDb(), ctx, query.data.challenge, query.data.ids);
    return Response.json(progress, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
