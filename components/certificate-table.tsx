import Link from "next/link";
import { LIFECYCLE_STATE_LABELS, type CertificateRow, type PendingKeyRow } from "@/lib/lifecycle/certificate-overview";
import { readableName } from "@/lib/engine/pki";
import { CertificateName } from "@/components/certificate-name";

const BACKEND_LABELS = { PLATFORM: "Platform", AWS_KMS: "AWS KMS", PKCS11: "PKCS#11 HSM" } as const;

function Countdown({ row }: { row: CertificateRow }) {
  if (row.daysLeft < 0) return <span className="badge">expired</span>;
  if (row.expiryWarning)
    return <span className="badge warn">{row.daysLeft === 0 ? "expires today" : `${row.daysLeft} days left`}</span>;
  return <span className="hint">{row.daysLeft} days left</span>;
}

/** The lifecycle dashboard: every certificate (and key waiting for one) with its state at a glance. */
export function CertificateTable({ rows }: { rows: (CertificateRow | PendingKeyRow)[] }) {
  return (
    <table className="stack-on-phone" aria-label="Certificates">
      <thead>
        <tr>
          <th scope="col">Certificate</th>
          <th scope="col">State</th>
          <th scope="col">Key</th>
          <th scope="col">Valid until</th>
          <th scope="col">SHA-256</th>
          <th scope="col">Seals</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) =>
          row.kind === "key" ? (
            <tr key={`key-${row.keyId}`}>
              <td>
                <span className="hint">(no certificate yet)</span>
              </td>
              <td data-label="State">
                <span className={`badge state-${row.state}`}>{LIFECYCLE_STATE_LABELS[row.state]}</span>
              </td>
              <td data-label="Key">
                {row.keyLabel}
                <br />
                <span className="hint">
                  {BACKEND_LABELS[row.backend]} · {row.algorithm}
                </span>
              </td>
              <td data-label="Valid until">—</td>
              <td data-label="SHA-256">—</td>
              <td data-label="Seals">0</td>
            </tr>
          ) : (
            <tr key={row.id} aria-label={readableName(row.subject)}>
              <td>
                <Link href={`/certificates/${row.id}`}>
                  <CertificateName dn={row.subject} />
                </Link>
                <br />
                <span className="hint">
                  issued by <CertificateName dn={row.issuer} />
                </span>
                {row.selfSigned && <span className="badge">Self-signed (testing)</span>}
                {row.restrictSealers && <span className="badge">Listed sealers only</span>}
              </td>
              <td data-label="State">
                <span className={`badge state-${row.state}`}>{LIFECYCLE_STATE_LABELS[row.state]}</span>
              </td>
              <td data-label="Key">
                {row.keyLabel}
                <br />
                <span className="hint">
                  {BACKEND_LABELS[row.backend]} · {row.algorithm}
                </span>
              </td>
              <td data-label="Valid until">
                {row.notAfter.toISOString().slice(0, 10)} <Countdown row={row} />
              </td>
              <td data-label="SHA-256" className="mono" title={row.sha256}>
                {row.sha256.slice(0, 16)}…
              </td>
              <td data-label="Seals">{row.seals}</td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}
