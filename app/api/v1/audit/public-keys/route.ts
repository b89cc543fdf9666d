import { getDb } from "@/lib/db/client";
import { auditPublicKeys } from "@/lib/audit/audit-signing-key";

export const dynamic = "force-dynamic";

/** GET /api/v1/audit/public-keys, no sign-in: every key that ever signed audit checkpoints (SPKI PEM; id = SHA-256 of the SPKI DER). */
export async function GET(): Promise<Response> {
  const keys = await auditPublicKeys(await getDb());
  return Response.json(
    {
      keys: keys.map((k) => ({
        id: k.id,
        algorithm: k.algorithm,
        publicKeyPem: k.publicKeyPem,
        createdAt: k.createdAt.toISOString(),
        retiredAt: k.retiredAt?.toISOString() ?? null,
      })),
    },
    {
      headers: {
        "Cache-Control": "public, max-age=300",
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
      },
    },
  );
}
