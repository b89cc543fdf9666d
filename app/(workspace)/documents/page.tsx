import type { Metadata } from "next";
import { rolesAllow } from "@/lib/access/permissions";
import { getDb } from "@/lib/db/client";
import { listDocuments } from "@/lib/documents/list-documents";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import { DocumentTable } from "@/components/document-table";
import { DocumentUpload } from "@/components/document-upload";
import { requirePagePermission } from "@/app/_server/session";
import "@/app/(workspace)/documents/documents.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Documents" };

export default async function DocumentsPage() {
  const { ctx } = await requirePagePermission("documents.view");
  const documents = await listDocuments(await getDb(), ctx);
  const canSeal = rolesAllow(ctx.roles, "documents.seal");
  return (
    <>
      <h1>Documents</h1>
      {canSeal && (
        <section className="panel" aria-labelledby="upload-heading">
          <h2 id="upload-heading">Upload PDFs to seal</h2>
          <DocumentUpload maxUploadBytes={processDocumentStore().settings.maxUploadBytes} />
        </section>
      )}
      <section className="panel" aria-labelledby="list-heading">
        <h2 id="list-heading">All documents</h2>
        <DocumentTable documents={documents} canSeal={canSeal} />
      </section>
    </>
  );
}
