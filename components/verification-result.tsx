import {
  documentAnswer,
  formatDateTime,
  signatureAnswer,
  statusWords,
  type PlainAnswer,
} from "@/lib/public-verify/plain-answer";
import type { CertificateReport, SignatureReport, VerificationReport } from "@/lib/engine/verify";
import { commonNameOf, nameDetails, readableName } from "@/lib/engine/pki/browser";
import { formatFileSize } from "@/lib/documents/file-size";

/**
 * A verification report for a recipient: the answer for the file first, then one card per
 * signature (answer, reason, what else to know), with the details on demand. Prints as the
 * verification report (app/verify/verify.css hides everything else when printing).
 */
export function VerificationResult({ report, fileName }: { report: VerificationReport; fileName: string }) {
  const answer = documentAnswer(report);
  return (
    <section className="verify-result" aria-label="Verification result">
      <div className={`verify-answer tone-${answer.tone}`} data-testid="document-answer">
        <p className="verify-label">{answer.label}</p>
        <p className="verify-reason">{answer.reason}</p>
        <AnswerNotes answer={answer} />
        <p className="verify-meta">
          {fileName} · {formatFileSize(report.fileSize)} · checked {formatDateTime(report.verifiedAt)}
        </p>
      </div>
      <ol className="verify-signatures" aria-label="Signatures">
        {report.signatures.map((signature) => (
          <SignatureCard key={signature.index} signature={signature} total={report.signatures.length} />
        ))}
      </ol>
    </section>
  );
}

function AnswerNotes({ answer }: { answer: PlainAnswer }) {
  if (answer.notes.length === 0) return null;
  return (
    <ul className="verify-notes">
      {answer.notes.map((note) => (
        <li key={note}>{note}</li>
      ))}
    </ul>
  );
}

function SignatureCard({ signature: s, total }: { signature: SignatureReport; total: number }) {
  const answer = signatureAnswer(s);
  const what = s.kind === "document-timestamp" ? "Document timestamp" : "Signature";
  const who = s.kind === "signature" ? signerName(s) : undefined;
  const record = s.signet;
  return (
    <li
      className={`verify-signature tone-${answer.tone}`}
      aria-label={`${what} ${s.index + 1} of ${total}`}
      data-testid="signature-answer"
    >
      <h3>
        <span className="verify-badge">{answer.label}</span> {what} {s.index + 1} of {total}
        {who ? ` — ${who}` : ""}
      </h3>
      <p className="verify-reason">{answer.reason}</p>
      <AnswerNotes answer={answer} />
      <details className="verify-details">
        <summary>Details</summary>
        <dl className="facts">
          {s.kind === "signature" && (
            <>
              <dt>Signer</dt>
              <dd>{s.signer ? nameDetails(s.signer.subject) : "Unknown"}</dd>
              {record?.organisations && record.organisations.length > 0 && (
                <>
                  <dt>Organisation</dt>
                  <dd>{record.organisations.join(", ")}</dd>
                </>
              )}
              <dt>Known to Signet</dt>
              <dd>{recognitionWords(s)}</dd>
            </>
          )}
          <dt>Certificate chain</dt>
          <dd>
            {chainWords(s)}
            {s.chain.certificates.length > 0 && (
              <ol className="verify-chain">
                {s.chain.certificates.map((c) => (
                  <li key={c.fingerprintSha256}>
                    <CertificateLine certificate={c} />
                  </li>
                ))}
              </ol>
            )}
          </dd>
          {record?.certificateStatusNow && (
            <>
              <dt>Certificate at signing</dt>
              <dd>{statusWords(record.certificateStatusAtSigning)}</dd>
              <dt>Certificate now</dt>
              <dd>{statusWords(record.certificateStatusNow)}</dd>
            </>
          )}
          <dt>Signed at</dt>
          <dd>{signedAtWords(s)}</dd>
          {s.timestamp && (
            <>
              <dt>Timestamp</dt>
              <dd>
                {s.timestamp.valid ? "Valid" : "Not valid"}
                {s.timestamp.time ? `, ${formatDateTime(s.timestamp.time)}` : ""}
                {s.timestamp.tsa ? `, by ${readableName(s.timestamp.tsa.subject)}` : ""}
              </dd>
            </>
          )}
          <dt>Integrity</dt>
          <dd>{integrityWords(s)}</dd>
          <dt>Changed after signing</dt>
          <dd>{s.changesAfter.description}</dd>
          {s.pades && (
            <>
              <dt>PAdES level</dt>
              <dd>{s.pades.level}</dd>
            </>
          )}
          {s.kind === "signature" && (
            <>
              <dt>In Signet&apos;s records</dt>
              <dd>
                {record?.inRecords ? (
                  <>
                    Yes: seal <span className="mono">{record.sealId}</span>,{" "}
                    {record.sealedAt ? formatDateTime(record.sealedAt) : ""}
                    {record.sealedBy ? `, by ${record.sealedBy}` : ""}
                    {record.sealId ? (
                      <>
                        {" "}
                        (<a href={`/verify/${record.sealId}`}>seal record</a>)
                      </>
                    ) : null}
                  </>
                ) : (
                  "No"
                )}
              </dd>
            </>
          )}
          {s.signingReason && (
            <>
              <dt>Reason</dt>
              <dd>{s.signingReason}</dd>
            </>
          )}
          {s.location && (
            <>
              <dt>Location</dt>
              <dd>{s.location}</dd>
            </>
          )}
          <dt>Field</dt>
          <dd className="mono">{s.fieldName}</dd>
        </dl>
        {s.problems.length > 0 && (
          <>
            <p className="verify-problems-title">Findings</p>
            <ul className="verify-problems">
              {s.problems.map((problem, i) => (
                <li key={i}>{problem}</li>
              ))}
            </ul>
          </>
        )}
      </details>
    </li>
  );
}

function CertificateLine({ certificate: c }: { certificate: CertificateReport }) {
  return (
    <>
      {nameDetails(c.subject)}{" "}
      <span className="hint">
        ({c.keyAlgorithm}, valid {c.notBefore.slice(0, 10)} to {c.notAfter.slice(0, 10)}, SHA-256{" "}
      </span>
      <span className="mono">{c.fingerprintSha256}</span>
      <span className="hint">)</span>
    </>
  );
}

function signerName(s: SignatureReport): string | undefined {
  const cn = s.signer ? commonNameOf(s.signer.subject) : undefined;
  return s.signet?.sealedBy ?? s.signerName ?? cn;
}

function recognitionWords(s: SignatureReport): string {
  const r = s.signet;
  if (r === undefined) return "Not checked";
  const orgs = (r.organisations ?? []).join(", ");
  if (r.recognition === "signet-managed")
    return `Yes: a certificate Signet manages for ${orgs}${r.testingCertificate ? " (self-signed testing certificate)" : ""}`;
  if (r.recognition === "organisation-ca")
    return `Yes: issued under a certificate authority that ${orgs} registered with Signet`;
  return "No: the signer is not known to Signet";
}

function chainWords(s: SignatureReport): string {
  const trust = {
    trusted: "Trusted",
    untrusted: "Not trusted",
    "self-signed": "Self-signed, not trusted",
    "not-checked": "Not checked",
  }[s.chain.trust];
  return s.chain.trust === "trusted" && s.signet?.testingCertificate
    ? "Trusted as a Signet testing certificate"
    : trust;
}

function signedAtWords(s: SignatureReport): string {
  const t = s.signingTime;
  if (t.time === undefined) return "Not stated";
  const source = {
    timestamp: "proven by a timestamp",
    claimed: "as the signer's computer stated it",
    "verification-time": "not stated; the time of this check",
    none: "",
  }[t.source];
  return `${formatDateTime(t.time)}${source ? ` (${source})` : ""}`;
}

function integrityWords(s: SignatureReport): string {
  const i = s.integrity;
  if (!i.checked) return "Could not be checked";
  if (i.intact) return `Intact: the signed bytes match (${i.digestAlgorithm ?? "digest"}) and the signature verifies`;
  if (!i.digestMatches) return "Broken: the signed bytes were changed";
  return "Broken: the signature value does not verify";
}
