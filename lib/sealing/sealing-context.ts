import type { RequestMeta } from "@/lib/audit/append-audit";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { rolesAllow } from "@/lib/access/permissions";
import type { SealManifest } from "@/lib/sealing/seal-manifest";
import type { Db } from "@/lib/db/client";
import type { Document } from "@/lib/db/generated/client";
import { auditRefusal } from "@/lib/sealing/audit-refusal";
import { roundPlacement } from "@/lib/sealing/check-placement";
import { sealRequestSchema, type SealRequest, type SealRequestInput } from "@/lib/sealing/seal-request";
import { loadSealingCertificate, type SealingCertificate } from "@/lib/sealing/sealing-certificates";
import { SealingError } from "@/lib/sealing/sealing-errors";

/** Statuses from which a document may be sealed: fresh uploads, and documents whose seal failed. */
export const SEALABLE_STATUSES = ["UPLOADED", "FAILED"] as const;

export type CheckedSealRequest = {
  ctx: OrgContext;
  request: SealRequest;
  certificate: SealingCertificate;
  /** In the order of the request. */
  documents: Document[];
  manifest: SealManifest;
};

/**
 * Everything both steps of a seal check, read again from the database each time: the
 * caller's membership and signer role (fresh, not from the session), the certificate, and
 * that every document belongs to this organisation and can be sealed. The manifest is built
 * from these records (document hashes from the database, never from the browser). A refusal
 * is audited as "seal.refused" and thrown.
 */
export async function checkSealRequest(
  db: Db,
  session: OrgContext,
  input: SealRequestInput,
  stage: "prepare" | "seal",
  audit: RequestMeta,
  challengeId: string | null = null,
): Promise<CheckedSealRequest> {
  const parsed = sealRequestSchema.parse(input);
  const request: SealRequest = {
    ...parsed,
    documents: parsed.documents.map((d) => ({ documentId: d.documentId, placement: roundPlacement(d.placement) })),
  };
  const documentIds = request.documents.map((d) => d.documentId);
  const facts = { stage, certificateId: request.certificateId, documentIds, challengeId };

  const ctx = await authorize(db, session.userId, session.orgId, "organisation.view");
  try {
    if (!rolesAllow(ctx.roles, "documents.seal"))
      throw new SealingError("sealing.forbidden", "Only members with the signer role can seal documents.", {
        status: 403,
      });
    const certificate = await loadSealingCertificate(db, ctx.orgId, request.certificateId, ctx.userId);
    const rows = await db.document.findMany({ where: { id: { in: documentIds }, orgId: ctx.orgId } });
    const byId = new Map(rows.map((d) => [d.id, d]));
    const documents = documentIds.map((id) => {
      const document = byId.get(id);
      if (document === undefined)
        throw new SealingError(
          "sealing.document_unavailable",
          "A document of this batch was not found in this organisation.",
          { status: 404 },
        );
      if (!(SEALABLE_STATUSES as readonly string[]).includes(document.status)) {
        throw new SealingError(
          "sealing.document_unavailable",
          `"${document.fileName}" is ${document.status === "SEALED" ? "already sealed" : "being sealed"}.`,
        );
      }
      return document;
    });
    const manifest: SealManifest = {
      orgId: ctx.orgId,
      userId: ctx.userId,
      certificateId: certificate.id,
      reason: request.reason,
      location: request.location,
      documents: request.documents.map((d) => ({
        documentId: d.documentId,
        sha256: byId.get(d.documentId)?.sha256 ?? "",
        placement: d.placement,
      })),
    };
    return { ctx, request, certificate, documents, manifest };
  } catch (error) {
    await auditRefusal(db, ctx, error, facts, audit);
    throw error;
  }
}
