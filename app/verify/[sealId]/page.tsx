import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { formatDateTime, statusWords } from "@/lib/public-verify/plain-answer";
import { recordedSeal } from "@/lib/public-verify/recorded-seal";
import { SealHashCheck } from "@/components/seal-hash-check";
import "@/app/verify/verify.css";
import { nameDetails } from "@/lib/engine/pki";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Seal record", referrer: "no-referrer", robots: { index: false } };

/**
 * Public: a seal as Signet recorded it, without the document. The recipient checks their file
 * against the sealed file's SHA-256 in the browser (the file never leaves it).
 */
export default async function SealRecordPage({ params }: { params: Promise<{ sealId: string }> }) {
  const { sealId } = await params;
  const seal = await recordedSeal(await getDb(), sealId);
  if (seal === null) notFound();
  const c = seal.certificate;
  const revoked = c.statusNow.status === "revoked" && c.statusAtSealing.status !== "revoked";
  return (
    <main className="verify-page">
      <header>
        <p className="brand">Signet</p>
        <Link href="/verify" className="no-print">
          Verify a PDF
        </Link>
      </header>
      <h1>Seal record</h1>
      <div
        className={`verify-answer tone-${c.statusAtSealing.status === "revoked" ? "invalid" : "valid"}`}
        data-testid="seal-record"
      >
        <p className="verify-label">Sealed by {seal.sealedBy}</p>
        <p className="verify-reason">
          {seal.organisation}, {formatDateTime(seal.sealedAt)}
        </p>
        <ul className="verify-notes">
          <li>Certificate at sealing: {statusWords(c.statusAtSealing)}</li>
          <li>Certificate now: {statusWords(c.statusNow)}</li>
          {revoked && (
            <li>The certificate was revoked after this seal was made: the seal was valid when it was made.</li>
          )}
          {c.testing && (
            <li>
              Sealed with a self-signed testing certificate: fine for trials, not for documents that carry legal weight.
            </li>
          )}
        </ul>
      </div>
      <section className="panel" aria-labelledby="check-file">
        <h2 id="check-file">Is your file the one that was sealed?</h2>
        <SealHashCheck sealedSha256={seal.document.sealedSha256} />
        <p className="hint">
          For the full check of its signatures, <Link href="/verify">verify the PDF</Link>.
        </p>
      </section>
      <section className="panel" aria-labelledby="seal-details">
        <h2 id="seal-details">Details</h2>
        <dl className="facts">
          <dt>Seal</dt>
          <dd className="mono">{seal.sealId}</dd>
          <dt>Organisation</dt>
          <dd>{seal.organisation}</dd>
          <dt>Sealed by</dt>
          <dd>{seal.sealedBy}</dd>
          <dt>Sealed at</dt>
          <dd>{formatDateTime(seal.sealedAt)}</dd>
          {seal.timestampTime && (
            <>
              <dt>Timestamp</dt>
              <dd>{formatDateTime(seal.timestampTime)}</dd>
            </>
          )}
          <dt>Document</dt>
          <dd>{seal.document.fileName}</dd>
          <dt>Sealed file SHA-256</dt>
          <dd className="mono">{seal.document.sealedSha256}</dd>
          <dt>Original SHA-256</dt>
          <dd className="mono">{seal.document.originalSha256}</dd>
          <dt>Certificate</dt>
          <dd>{nameDetails(c.subject)}</dd>
          <dt>Issued by</dt>
          <dd>{nameDetails(c.issuer)}</dd>
          <dt>Valid</dt>
          <dd>
            {c.notBefore.slice(0, 10)} to {c.notAfter.slice(0, 10)}
          </dd>
          <dt>Certificate SHA-256</dt>
          <dd className="mono">{c.sha256}</dd>
        </dl>
      </section>
    </main>
  );
}
