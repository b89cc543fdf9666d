import { z } from "zod";
import { placementSchema } from "@/lib/sealing/placement";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .nullish()
    .transform((value) => (value === undefined || value === null || value === "" ? null : value));

/**
 * What the person chose for a batch: which documents, where the stamp goes on each, which
 * certificate, and an optional reason and location. Everything else in the manifest (the
 * user, the organisation, the document hashes) comes from the server's own records.
 */
export const sealRequestSchema = z
  .object({
    certificateId: z.string().uuid("Choose a certificate."),
    reason: optionalText(200),
    location: optionalText(200),
    documents: z
      .array(z.object({ documentId: z.string().uuid(), placement: placementSchema }))
      .min(1, "Choose at least one document.")
      .max(100, "Seal at most 100 documents at once."),
  })
  .refine((r) => new Set(r.documents.map((d) => d.documentId)).size === r.documents.length, {
    message: "A document appears twice in the batch.",
    path: ["documents"],
  });

export type SealRequest = z.infer<typeof sealRequestSchema>;
export type SealRequestInput = z.input<typeof sealRequestSchema>;
