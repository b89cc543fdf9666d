import Link from "next/link";
import type { DocumentListing } from "@/lib/documents/list-documents";
import { CertificateName } from "@/components/certificate-name";

const STATUS_LABELS = { UPLOADED: "Ready to seal", SEALING: "Sealing…", SEALED: "Sealed", FAILED: "Failed" } as const;

function when(date: Date): string {
  return date.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/**
 * The organisation's documents: status, who sealed, when, with which certificate, and the
 * downloads. Signers tick documents and go on to place the seal (a plain GET form: the next
 * page reads the ids again within their organisation).
 */
export function DocumentTable({ documents, canSeal }: { documents: DocumentListing[]; canSeal: boolean }) {
  if (documents.length === 0)
    return <p className="hint">No documents yet.{canSeal ? " Upload PDFs above to seal them." : ""}</p>;
  const table = (
    <table className="stack-on-phone documents-table">
      <thead>
        <tr>
          {canSeal && (
            <th scope="col">
              <span className="sr-only">Select</span>
            </th>
          )}
          <th scope="col">Document</th>
          <th scope="col">Status</th>
          <th scope="col">Sealed by</th>
          <th scope="col">When</th>
          <th scope="col">Certificate</th>
          <th scope="col">Download</th>
        </tr>
      </thead>
      <tbody>
        {documents.map((d) => {
          const sealable = d.status === "UPLOADED" || d.status === "FAILED";
          return (
            <tr key={d.id} data-testid="document-row">
              {canSeal && (
                <td>
                  {sealable && <input type="checkbox" name="id" value={d.id} aria-label={`Select ${d.fileName}`} />}
                </td>
              )}
              <td>
                <strong>{d.fileName}</strong>
                <br />
                <span className="hint">
                  {d.pageCount ?? "?"} page{d.pageCount === 1 ? "" : "s"} · uploaded by {d.uploadedByName}
                </span>
              </td>
              <td data-label="Status">
                <span className={`badge status-${d.status.toLowerCase()}`}>{STATUS_LABELS[d.status]}</span>
                {d.status === "FAILED" && d.failure !== null && <span className="hint failure">{d.failure}</span>}
              </td>
              <td data-label="Sealed by">{d.seal?.sealedByName ?? "—"}</td>
              <td data-label="When">{d.seal === null ? "—" : when(d.seal.sealedAt)}</td>
              <td data-label="Certificate">
                {d.seal === null ? (
                  "—"
                ) : (
                  <>
                    <CertificateName dn={d.seal.certificateSubject} />
                    <br />
                    <span className="mono hint">{d.seal.certificateSha256.slice(0, 16)}…</span>
                  </>
                )}
              </td>
              <td data-label="Download">
                {d.seal !== null && (
                  <>
                    <a href={`/api/documents/${d.id}/sealed`} download>
                      Sealed PDF
                    </a>
                    <br />
                  </>
                )}
                <a href={`/api/documents/${d.id}/original`} download className="hint">
                  Original
                </a>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
  if (!canSeal) return table;
  return (
    <form action="/documents/seal" method="get" aria-label="Choose documents to seal">
      {table}
      <p>
        <button type="submit">Seal selected documents</button>{" "}
        <Link href="/documents" className="hint">
          Refresh
        </Link>
      </p>
    </form>
  );
}
