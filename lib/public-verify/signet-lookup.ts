import type { Db } from "@/lib/db/client";
import { certificateStatusAt } from "@/lib/lifecycle/certificate-status";
import { certificateTimeline } from "@/lib/lifecycle/certificate-timeline";
import type { SignetRecord, SignetRecordLookup, SignetRecordQuery } from "@/lib/engine/verify";
import { shortStatus, statusRecord } from "@/lib/public-verify/certificate-status-record";
import type { SignetTrust } from "@/lib/public-verify/signet-trust";

export type SignetLookupOptions = {
  trust: SignetTrust;
  /** Base of the public seal pages (SIGNET_PUBLIC_URL). */
  publicUrl: string;
  /** "Now" for the certificate's current status. Default: the time of the call. */
  now?: Date;
};

/**
 * What Signet's records say about one signature, for lib/verify's injected lookup:
 *  - the seal, found by the SHA-256 of its CMS (Seal.signatureSha256), with who sealed and when;
 *  - how the signer is known: a certificate Signet manages (by fingerprint), a certificate under
 *    a CA chain an organisation uploaded, or not at all;
 *  - for Signet's certificates, their status at signing time and now, replayed from the audit
 *    trail (lib/lifecycle). Signing time is the recorded seal's when there is one, else the
 *    report's (timestamp or the time the signature claims).
 * Returns only what a recipient may see: names of organisations and of the member who sealed,
 * never e-mail addresses or internal ids other than the seal's own.
 */
export function signetLookup(db: Db, options: SignetLookupOptions): SignetRecordLookup {
  return async (query: SignetRecordQuery): Promise<SignetRecord | undefined> => {
    if (query.kind !== "signature") return undefined;
    const fingerprint = query.signerFingerprintSha256;
    const seal = await db.seal.findFirst({
      where: { signatureSha256: query.cmsSha256 },
      select: { id: true, orgId: true, certificateId: true, certificateSha256: true, sealedAt: true, sealedById: true },
    });
    const recorded = seal !== null && seal.certificateSha256 === fingerprint ? seal : null;
    const certificates =
      fingerprint === undefined
        ? []
        : await db.signingCertificate.findMany({
            where: recorded === null ? { sha256: fingerprint } : { id: recorded.certificateId },
            orderBy: { createdAt: "asc" },
            select: {
              id: true,
              orgId: true,
              selfSigned: true,
              notBefore: true,
              notAfter: true,
              org: { select: { name: true } },
            },
          });

    const record: SignetRecord = { inRecords: recorded !== null };
    if (recorded !== null) {
      const sealer = await db.user.findUnique({ where: { id: recorded.sealedById }, select: { name: true } });
      record.sealId = recorded.id;
      record.sealedAt = recorded.sealedAt.toISOString();
      if (sealer !== null) record.sealedBy = sealer.name;
      record.verifyUrl = `${options.publicUrl.replace(/\/+$/, "")}/verify/${recorded.id}`;
    }

    const managed = certificates[0];
    if (managed !== undefined) {
      record.recognition = "signet-managed";
      record.organisations = [...new Set(certificates.map((c) => c.org.name))];
      record.testingCertificate = managed.selfSigned;
      const timeline = await certificateTimeline(db, managed.orgId, managed.id);
      const validity = { notBefore: managed.notBefore, notAfter: managed.notAfter };
      const signedAt = recorded?.sealedAt ?? signingTimeOf(query);
      if (signedAt !== undefined)
        record.certificateStatusAtSigning = statusRecord(certificateStatusAt(timeline, validity, signedAt));
      record.certificateStatusNow = statusRecord(certificateStatusAt(timeline, validity, options.now ?? new Date()));
      record.certificateStatus = shortStatus(record.certificateStatusNow);
    } else {
      const anchor = query.trust === "trusted" ? query.chainSha256?.at(-1) : undefined;
      const organisations = anchor === undefined ? undefined : options.trust.organisationsOf.get(anchor);
      if (organisations !== undefined && organisations.length > 0) {
        record.recognition = "organisation-ca";
        record.organisations = organisations;
      } else {
        record.recognition = "unknown";
      }
    }
    record.note = noteFor(record);
    return record;
  };
}

function signingTimeOf(query: SignetRecordQuery): Date | undefined {
  const time = query.signingTime?.time ?? query.claimedSigningTime;
  if (time === undefined) return undefined;
  const parsed = new Date(time);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

function noteFor(record: SignetRecord): string {
  const organisations = (record.organisations ?? []).join(", ");
  if (record.recognition === "signet-managed") {
    const testing = record.testingCertificate
      ? " It is a self-signed testing certificate: fine for trials, not for documents that carry legal weight."
      : "";
    return record.inRecords
      ? `Sealed with Signet by ${record.sealedBy ?? "a member"} of ${organisations}, with a certificate Signet manages for them.${testing}`
      : `Signed with a certificate Signet manages for ${organisations}, but this signature is not in Signet's records of seals.${testing}`;
  }
  if (record.recognition === "organisation-ca")
    return `The signer's certificate was issued under a certificate authority that ${organisations} registered with Signet.`;
  return "The signer is not known to Signet: the signature was still checked for integrity.";
}
