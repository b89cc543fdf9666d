import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { rolesAllow } from "@/lib/access/permissions";
import { getDb } from "@/lib/db/client";
import { listDocuments } from "@/lib/documents/list-documents";
import { pagesOf } from "@/lib/documents/open-document";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import { listSealingCertificates } from "@/lib/sealing/sealing-certificates";
import { SealPlacement, type SealableDocument } from "@/app/(workspace)/documents/seal/seal-placement";
import { requirePagePermission } from "@/app/_server/session";
import "@/app/(workspace)/documents/documents.css";
import { nameDetails, readableName } from "@/lib/engine/pki";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Place the seal" };

const idsSchema = z.array(z.string().uuid()).max(100);

export default async function SealPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { user, ctx, active } = await requirePagePermission("documents.view");
  if (!rolesAllow(ctx.roles, "documents.seal")) {
    return (
      <>
        <h1>Place the seal</h1>
        <p className="alert error" role="alert">
          Only members with the signer role can seal documents.
        </p>
      </>
    );
  }
  const raw = (await searchParams).id;
  const parsed = idsSchema.safeParse([...new Set(raw === undefined ? [] : Array.isArray(raw) ? raw : [raw])]);
  const ids = parsed.success ? parsed.data : [];
  const db = await getDb();
  const { store } = processDocumentStore();
  // Ids of another organisation, or documents already sealed, simply drop out here (and are refused again on the server when sealing).
  const listed =
    ids.length === 0
      ? []
      : (await listDocuments(db, ctx, { ids })).filter((d) => d.status === "UPLOADED" || d.status === "FAILED");
  const order = new Map(ids.map((id, i) => [id, i]));
  listed.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const documents: SealableDocument[] = [];
  for (const d of listed)
    documents.push({
      id: d.id,
      fileName: d.fileName,
      pageCount: d.pageCount ?? 1,
      pages: await pagesOf(db, store, ctx, d.id),
    });
  const certificates = (await listSealingCertificates(db, ctx)).map((c) => ({
    id: c.id,
    name: readableName(c.subject),
    details: nameDetails(c.subject),
    keyLabel: c.keyLabel,
    notAfter: c.notAfter.toISOString(),
    selfSigned: c.selfSigned,
    sha256: c.sha256,
  }));

  return (
    <>
      <h1>Place the seal</h1>
      {documents.length === 0 ? (
        <p className="panel">
          No documents to seal were chosen. <Link href="/documents">Choose documents</Link>
        </p>
      ) : (
        <SealPlacement
          documents={documents}
          certificates={certificates}
          signerName={user.name}
          organisationName={active.name}
        />
      )}
    </>
  );
}
