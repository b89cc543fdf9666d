import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { rolesAllow } from "@/lib/access/permissions";
import { certificateDetails } from "@/lib/lifecycle/certificate-details";
import { LIFECYCLE_STATE_LABELS } from "@/lib/lifecycle/certificate-overview";
import { REVOCATION_REASON_LABELS, isRevocationReasonCode } from "@/lib/lifecycle/revocation-reasons";
import { ActivateCertificateForm } from "@/app/_components/enrolment-forms";
import {
  CertificateSealersForm,
  DestroyKeyForm,
  RevokeCertificateForm,
  RotateCertificateForm,
} from "@/app/(workspace)/certificates/[certificateId]/lifecycle-forms";
import { TimelineList } from "@/components/timeline-list";
import { requirePagePermission } from "@/app/_server/session";
import { nameDetails, readableName } from "@/lib/engine/pki";
import { CertificateName } from "@/components/certificate-name";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Certificate" };

const BACKEND_LABELS = {
  PLATFORM: "Platform-managed",
  AWS_KMS: "AWS KMS (customer-held)",
  PKCS11: "PKCS#11 HSM (customer-held)",
} as const;
const utc = (date: Date) => `${date.toISOString().replace("T", " ").slice(0, 19)} UTC`;

export default async function CertificatePage({ params }: { params: Promise<{ certificateId: string }> }) {
  const { ctx } = await requirePagePermission("certificates.view");
  const id = z
    .string()
    .uuid()
    .safeParse((await params).certificateId);
  if (!id.success) notFound();
  const details = await certificateDetails(await getDb(), ctx, id.data);
  if (details === null) notFound();
  const { certificate, state, timeline } = details;
  const manage = rolesAllow(ctx.roles, "certificates.manage");
  const { daysLeft } = details;
  const keyAlive = certificate.key.state === "ACTIVE";
  return (
    <>
      <p>
        <Link href="/certificates">← Keys and certificates</Link>
      </p>
      <h1>{readableName(certificate.subject)}</h1>
      <p>
        <span className="badge" data-testid="lifecycle-state">
          {LIFECYCLE_STATE_LABELS[state]}
        </span>
        {certificate.selfSigned && <span className="badge">Self-signed (testing)</span>}
        {(state === "active" || state === "enrolled") && daysLeft <= 30 && (
          <span className="badge warn">{daysLeft < 0 ? "expired" : `expires in ${daysLeft} days`}</span>
        )}
      </p>
      <section className="panel" aria-labelledby="facts-heading">
        <h2 id="facts-heading">Certificate</h2>
        <dl className="facts">
          <dt>Subject</dt>
          <dd data-testid="certificate-subject">{nameDetails(certificate.subject)}</dd>
          <dt>Issuer</dt>
          <dd>{nameDetails(certificate.issuer)}</dd>
          <dt>Serial</dt>
          <dd className="mono">{certificate.serialHex}</dd>
          <dt>Valid</dt>
          <dd>
            {utc(certificate.notBefore)} – {utc(certificate.notAfter)}
          </dd>
          <dt>SHA-256</dt>
          <dd className="mono">{certificate.sha256}</dd>
          <dt>Key</dt>
          <dd>
            {certificate.key.label} — {BACKEND_LABELS[certificate.key.backend]}, {certificate.key.algorithm}
            {certificate.key.destroyedAt !== null && `, destroyed ${utc(certificate.key.destroyedAt)}`}
          </dd>
          <dt>Seals</dt>
          <dd data-testid="seal-count">
            {details.seals}
            {details.lastSealAt !== null && ` (last ${utc(details.lastSealAt)})`}
          </dd>
          {details.predecessor !== null && (
            <>
              <dt>Took over from</dt>
              <dd>
                <Link href={`/certificates/${details.predecessor.id}`}>
                  <CertificateName dn={details.predecessor.subject} />
                </Link>
              </dd>
            </>
          )}
          {details.successor !== null && (
            <>
              <dt>Succeeded by</dt>
              <dd>
                <Link href={`/certificates/${details.successor.id}`}>
                  <CertificateName dn={details.successor.subject} />
                </Link>
                {certificate.supersededAt !== null && ` on ${utc(certificate.supersededAt)}`}
              </dd>
            </>
          )}
          {certificate.revocationEffectiveAt !== null && (
            <>
              <dt>Revoked</dt>
              <dd>
                effective {utc(certificate.revocationEffectiveAt)}
                {certificate.revocationReason !== null &&
                  isRevocationReasonCode(certificate.revocationReason) &&
                  ` — ${REVOCATION_REASON_LABELS[certificate.revocationReason]}`}
              </dd>
            </>
          )}
        </dl>
      </section>
      <section className="panel" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <TimelineList items={timeline} />
      </section>
      {manage && (
        <>
          {state === "enrolled" && keyAlive && (
            <section className="panel" aria-labelledby="activate-heading">
              <h2 id="activate-heading">Activate</h2>
              <ActivateCertificateForm certificateId={certificate.id} subject={readableName(certificate.subject)} />
            </section>
          )}
          {state === "active" && (
            <section className="panel" aria-labelledby="rotate-heading">
              <h2 id="rotate-heading">Rotate</h2>
              <RotateCertificateForm
                certificateId={certificate.id}
                successors={details.successors.map((s) => ({ ...s, notAfter: s.notAfter.toISOString() }))}
              />
            </section>
          )}
          {(state === "active" || state === "enrolled") && (
            <section className="panel" aria-labelledby="sealers-heading">
              <h2 id="sealers-heading">Allowed sealers</h2>
              <CertificateSealersForm
                certificateId={certificate.id}
                restricted={certificate.restrictSealers}
                signers={details.signers}
              />
            </section>
          )}
          {certificate.state !== "REVOKED" && (
            <section className="panel" aria-labelledby="revoke-heading">
              <h2 id="revoke-heading">Revoke</h2>
              <RevokeCertificateForm certificateId={certificate.id} />
            </section>
          )}
          {keyAlive && (
            <section className="panel" aria-labelledby="destroy-heading">
              <h2 id="destroy-heading">Destroy the key</h2>
              <DestroyKeyForm
                keyId={certificate.key.id}
                keyLabel={certificate.key.label}
                backend={certificate.key.backend}
              />
            </section>
          )}
        </>
      )}
    </>
  );
}
