import type { KeyListing } from "@/lib/custody/list-keys";
import Link from "next/link";
import {
  ActivateCertificateForm,
  CertificateRequestForm,
  CertificateUploadForm,
} from "@/app/_components/enrolment-forms";
import { DestroyKeyForm } from "@/app/(workspace)/certificates/[certificateId]/lifecycle-forms";
import { readableName } from "@/lib/engine/pki";
import { CertificateName } from "@/components/certificate-name";

const BACKEND_LABELS = {
  PLATFORM: "Platform-managed",
  AWS_KMS: "AWS KMS (customer-held)",
  PKCS11: "PKCS#11 HSM (customer-held)",
} as const;

function daysUntil(date: Date): number {
  return Math.floor((date.getTime() - Date.now()) / 86_400_000);
}

export function KeyCard({
  signingKey,
  manage,
  organisation,
}: {
  signingKey: KeyListing;
  manage: boolean;
  organisation: string;
}) {
  const key = signingKey;
  return (
    <section className="panel" aria-label={`Key ${key.label}`}>
      <h2>{key.label}</h2>
      <p>
        <span className="badge">{BACKEND_LABELS[key.backend]}</span>
        <span className="badge">{key.algorithm}</span>
        {key.state === "DESTROYED" && <span className="badge">Destroyed</span>}
      </p>
      <dl className="facts">
        <dt>Public key SHA-256</dt>
        <dd className="mono">{key.publicKeySha256.match(/.{1,16}/g)?.join(" ")}</dd>
        {key.kmsKeyArn !== null && (
          <>
            <dt>KMS key</dt>
            <dd className="mono">{key.kmsKeyArn}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{key.createdAt.toISOString().slice(0, 10)}</dd>
      </dl>
      {key.certificates.length === 0 ? (
        <p className="hint">
          {key.requests.length > 0
            ? "A certificate signing request is pending: send it to your CA, then upload the certificate it issues."
            : "No certificate yet."}
        </p>
      ) : (
        <table className="stack-on-phone">
          <thead>
            <tr>
              <th scope="col">Certificate</th>
              <th scope="col">State</th>
              <th scope="col">Valid until</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {key.certificates.map((certificate) => {
              const days = daysUntil(certificate.notAfter);
              return (
                <tr key={certificate.id}>
                  <td>
                    <Link href={`/certificates/${certificate.id}`}>
                      <CertificateName dn={certificate.subject} />
                    </Link>
                    <br />
                    <span className="hint">
                      issued by <CertificateName dn={certificate.issuer} />
                    </span>
                    {certificate.selfSigned && <span className="badge">Self-signed (testing)</span>}
                  </td>
                  <td data-label="State">
                    {certificate.state.toLowerCase()}
                    {manage && certificate.state === "INACTIVE" && key.state === "ACTIVE" && (
                      <ActivateCertificateForm
                        certificateId={certificate.id}
                        subject={readableName(certificate.subject)}
                      />
                    )}
                  </td>
                  <td data-label="Valid until">
                    {certificate.notAfter.toISOString().slice(0, 10)}
                    {days < 0 ? (
                      <span className="badge">expired</span>
                    ) : days <= 30 ? (
                      <span className="badge">{days} days left</span>
                    ) : null}
                  </td>
                  <td data-label="SHA-256" className="mono">
                    {certificate.sha256.slice(0, 16)}…
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {manage && key.state === "ACTIVE" && (
        <div className="enrolment">
          <CertificateRequestForm keyId={key.id} keyLabel={key.label} organisation={organisation} />
          <CertificateUploadForm keyId={key.id} keyLabel={key.label} />
          <details>
            <summary>{`Destroy the key ${key.label}`}</summary>
            <DestroyKeyForm keyId={key.id} keyLabel={key.label} backend={key.backend} />
          </details>
        </div>
      )}
    </section>
  );
}
