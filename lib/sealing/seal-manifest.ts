import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalJson, type JsonValue } from "@/lib/audit/canonical-json";
import { placementSchema } from "@/lib/sealing/placement";

/**
 * What one sealing step-up authorises: this user, in this organisation, sealing exactly these
 * documents (by SHA-256 of their bytes) with this certificate at these placements. The step-up
 * challenge is derived from the manifest's hash, so an assertion made for one manifest cannot
 * authorise another.
 */
export const sealManifestSchema = z.object({
  orgId: z.string().uuid(),
  userId: z.string().uuid(),
  certificateId: z.string().uuid(),
  reason: z.string().max(200).nullable(),
  location: z.string().max(200).nullable(),
  documents: z
    .array(
      z.object({
        documentId: z.string().uuid(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        placement: placementSchema,
      }),
    )
    .min(1)
    .max(100),
});

export type SealManifest = z.infer<typeof sealManifestSchema>;

/** SHA-256 (hex) of the manifest's canonical JSON; documents are sorted by id so order does not matter. */
export function sealManifestHash(manifest: SealManifest): string {
  const normalised = {
    ...manifest,
    documents: [...manifest.documents].sort((a, b) => a.documentId.localeCompare(b.documentId)),
  };
  return createHash("sha256")
    .update(canonicalJson(normalised as unknown as JsonValue), "utf8")
    .digest("hex");
}
