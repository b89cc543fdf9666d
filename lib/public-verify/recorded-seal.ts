import type { Db } from "@/lib/db/client";
import { certificateStatusAt } from "@/lib/lifecycle/certificate-status";
import { certificateTimeline } from "@/lib/lifecycle/certificate-timeline";
import type { SignetCertificateStatus } from "@/lib/engine/verify";
import { statusRecord } from "@/lib/public-verify/certificate-status-record";

/** A recorded seal as a recipient may see it (the public page /verify/[sealId]): no e-mail addresses, no internal ids. */
export type RecordedSeal = {
  sealId: string;
  organisation: string;
  sealedBy: string;
  sealedAt: string;
  /** The signature timestamp's time (PAdES B-T), when the seal has one. */
  timestampTime?: string;
  fieldName: string;
  document: {
    fileName: string;
    /** SHA-256 (hex) of the original as uploaded, and of the sealed file as Signet handed it out. */
    originalSha256: string;
    sealedSha256: string;
    sealedSize: number;
  };
  certificate: {
    subject: string;
    issuer: string;
    serialHex: string;
    sha256: string;
    notBefore: string;
    notAfter: string;
    testing: boolean;
    statusAtSealing: SignetCertificateStatus;
    statusNow: SignetCertificateStatus;
  };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The seal with this id, or null when there is none (or the id is not one Signet could have made). */
export async function recordedSeal(db: Db, sealId: string, options: { now?: Date } = {}): Promise<RecordedSeal | null> {
  if (!UUID.test(sealId)) return null;
  const seal = await db.seal.findUnique({
    where: { id: sealId.toLowerCase() },
    select: {
      id: true,
      orgId: true,
      certificateId: true,
      fieldName: true,
      sealedSha256: true,
      size: true,
      sealedAt: true,
      timestampTime: true,
      sealedById: true,
      document: { select: { fileName: true, sha256: true } },
    },
  });
  if (seal === null) return null;
  const [org, sealer, certificate] = await Promise.all([
    db.organization.findUnique({ where: { id: seal.orgId }, select: { name: true } }),
    db.user.findUnique({ where: { id: seal.sealedById }, select: { name: true } }),
    db.signingCertificate.findFirst({
      where: { id: seal.certificateId, orgId: seal.orgId },
      select: {
        subject: true,
        issuer: true,
        serialHex: true,
        sha256: true,
        notBefore: true,
        notAfter: true,
        selfSigned: true,
      },
    }),
  ]);
  if (org === null || certificate === null) return null;
  const timeline = await certificateTimeline(db, seal.orgId, seal.certificateId);
  const validity = { notBefore: certificate.notBefore, notAfter: certificate.notAfter };
  return {
    sealId: seal.id,
    organisation: org.name,
    sealedBy: sealer?.name ?? "a former member",
    sealedAt: seal.sealedAt.toISOString(),
    ...(seal.timestampTime === null ? {} : { timestampTime: seal.timestampTime.toISOString() }),
    fieldName: seal.fieldName,
    document: {
      fileName: seal.document.fileName,
      originalSha256: seal.document.sha256,
      sealedSha256: seal.sealedSha256,
      sealedSize: seal.size,
    },
    certificate: {
      subject: certificate.subject,
      issuer: certificate.issuer,
      serialHex: certificate.serialHex,
      sha256: certificate.sha256,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
      testing: certificate.selfSigned,
      statusAtSealing: statusRecord(certificateStatusAt(timeline, validity, seal.sealedAt)),
      statusNow: statusRecord(certificateStatusAt(timeline, validity, options.now ?? new Date())),
    },
  };
}
