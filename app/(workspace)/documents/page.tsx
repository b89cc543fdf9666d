import type { Metadata } from "next";
import { rolesAllow } from "@/lib/access/permissions";
import { getDb } from "@/lib/db/client";
import { listDocuments } from "@/lib/documents/list-documents";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import { DocumentTable } from "@/components/document-table";
import { DocumentUpload } from "@/components/document-upload";
import { retryableDocuments } from "@/lib/sealing/seal-job-admin";
import { requirePagePermission } from "@/app/_server/session";
import { RetrySealForm } from "@/app/(workspace)/documents/retry-seal-form";
import "@/app/(workspace)/documents/documents.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Documents" };

export default async function DocumentsPage() {
  const { ctx } = await requirePagePermission("documents.view");
  const db = await getDb();
  const documents = await listDocuments(db, ctx);
  const canSeal = rolesAllow(ctx.roles, "documents.seal");
  const retryable = canSeal ? await retryableDocuments(db, ctx) : [];
  return (
    <>
      <h1>Documents</h1>
      {canSeal && (
        <section className="panel" aria-labelledby="upload-heading">
          <h2 id="upload-heading">Upload PDFs to seal</h2>
          <DocumentUpload maxUploadBytes={processDocumentStore().settings.maxUploadBytes} />
        </section>
      )}
      {retryable.length > 0 && (
        <section className="panel" aria-labelledby="failed-heading">
          <h2 id="failed-heading">Not sealed</h2>
          <p className="hint">These documents of your seals failed. Retry them once the reason is dealt with.</p>
          <ul className="plain-list">
            {retryable.map((d) => (
              <RetrySealForm key={d.documentId} documentId={d.documentId} fileName={d.fileName} failure={d.failure} />
            ))}
          </ul>
        </section>
      )}
      <section className="panel" aria-labelledby="list-heading">
        <h2 id="list-heading">All documents</h2>
        <DocumentTable documents={documents} canSeal={canSeal} />
      </section>
    </>
  );
}
