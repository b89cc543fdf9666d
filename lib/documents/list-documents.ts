import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import type { DocumentStatus } from "@/lib/db/generated/enums";

export type SealSummary = {
  sealId: string;
  batchId: string;
  sealedAt: Date;
  sealedByName: string;
  certificateSubject: string;
  certificateSha256: string;
  sealedSha256: string;
  timestampTime: Date | null;
};

export type DocumentListing = {
  id: string;
  fileName: string;
  size: number;
  sha256: string;
  pageCount: number | null;
  status: DocumentStatus;
  failure: string | null;
  createdAt: Date;
  uploadedByName: string;
  /** The latest seal, when there is one. */
  seal: SealSummary | null;
};

/**
 * The documents of the caller's organisation, newest first, with who sealed each, when and
 * with which certificate. The caller was authorised for "documents.view"; `ids` narrows the
 * list (ids of other organisations simply match nothing).
 */
export async function listDocuments(
  db: Db,
  ctx: OrgContext,
  options: { ids?: readonly string[]; take?: number } = {},
): Promise<DocumentListing[]> {
  const documents = await db.document.findMany({
    where: { orgId: ctx.orgId, ...(options.ids === undefined ? {} : { id: { in: [...options.ids] } }) },
    orderBy: { createdAt: "desc" },
    take: options.take ?? 200,
    include: { seals: { orderBy: { sealedAt: "desc" }, take: 1 } },
  });
  const seals = documents.flatMap((d) => d.seals);
  const userIds = [...new Set([...documents.map((d) => d.uploadedById), ...seals.map((s) => s.sealedById)])];
  const certificateIds = [...new Set(seals.map((s) => s.certificateId))];
  const [users, certificates] = await Promise.all([
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }),
    db.signingCertificate.findMany({
      where: { id: { in: certificateIds }, orgId: ctx.orgId },
      select: { id: true, subject: true },
    }),
  ]);
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const subject = new Map(certificates.map((c) => [c.id, c.subject]));
  return documents.map((d) => {
    const s = d.seals[0];
    return {
      id: d.id,
      fileName: d.fileName,
      size: d.size,
      sha256: d.sha256,
      pageCount: d.pageCount,
      status: d.status,
      failure: d.failure,
      createdAt: d.createdAt,
      uploadedByName: userName.get(d.uploadedById) ?? "a former member",
      seal:
        s === undefined
          ? null
          : {
              sealId: s.id,
              batchId: s.batchId,
              sealedAt: s.sealedAt,
              sealedByName: userName.get(s.sealedById) ?? "a former member",
              certificateSubject: subject.get(s.certificateId) ?? s.certificateSha256.slice(0, 16),
              certificateSha256: s.certificateSha256,
              sealedSha256: s.sealedSha256,
              timestampTime: s.timestampTime,
            },
    };
  });
}
