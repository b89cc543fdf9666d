import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { corpusFiles, type CorpusFile } from "@/test/support/pdf-corpus";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { ForbiddenError } from "@/lib/access/access-errors";
import { verifyChain } from "@/lib/audit/verify-chain";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { listDocuments } from "@/lib/documents/list-documents";
import { openOriginal, pagesOf } from "@/lib/documents/open-document";
import { uploadDocument, type UploadOutcome } from "@/lib/documents/upload-document";
import { DocumentNotFoundError } from "@/lib/documents/document-errors";

const request = { ip: "192.0.2.7", userAgent: "vitest" };
const MB = 1024 * 1024;
const dir = mkdtempSync(path.join(tmpdir(), "signet-upload-"));
const store = new LocalDocumentStore(dir);
let t: TestDatabase;
let signer: OrgContext;
let auditor: OrgContext;
let stranger: OrgContext;

const corpus = new Map(corpusFiles().map((f) => [f.id, f]));
function file(id: string): CorpusFile {
  const found = corpus.get(id);
  if (found === undefined) throw new Error(`no corpus file ${id}`);
  return found;
}

async function member(orgId: string, email: string, roles: Role[]): Promise<OrgContext> {
  const user = await t.db.user.create({ data: { email, name: email.split("@")[0] ?? email, passwordHash: "x" } });
  await t.db.membership.create({ data: { userId: user.id, orgId, roles } });
  return authorize(t.db, user.id, orgId, "organisation.view");
}

/** Every stored object (the .incoming folder must stay empty). */
function storedObjects(): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

function upload(
  ctx: OrgContext,
  f: CorpusFile,
  maxBytes = 200 * MB,
  declaredSize?: number,
  fileName = path.basename(f.path),
): Promise<UploadOutcome> {
  const bytes = readFileSync(f.path);
  // Streamed in 64 KB chunks, as a request body arrives.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += 65_536)
        controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + 65_536)));
      controller.close();
    },
  });
  return uploadDocument(t.db, store, ctx, { fileName, body, declaredSize }, maxBytes, request);
}

beforeAll(async () => {
  t = await createTestDatabase();
  const org = await t.db.organization.create({ data: { name: "Alpha Engineering" } });
  const other = await t.db.organization.create({ data: { name: "Beta Surveys" } });
  signer = await member(org.id, "sid@alpha.test", [Role.SIGNER]);
  auditor = await member(org.id, "ava@alpha.test", [Role.AUDITOR, Role.ADMIN]);
  stranger = await member(other.id, "sam@beta.test", [Role.SIGNER, Role.OWNER]);
});
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("uploading documents", () => {
  it("accepts a PDF: stores it with its SHA-256 and page count, one Document row, one audit entry", async () => {
    const f = file("p01-gs10-pdfwrite-pdf14.pdf");
    const outcome = await upload(signer, f);
    expect(outcome.accepted).toBe(true);
    if (!outcome.accepted) return;
    expect(outcome.document).toMatchObject({
      fileName: "p01-gs10-pdfwrite-pdf14.pdf",
      pageCount: 6,
      size: readFileSync(f.path).length,
    });
    expect(outcome.document.pages[0]).toEqual({ width: 595, height: 842 });
    const row = await t.db.document.findUniqueOrThrow({ where: { id: outcome.document.id } });
    expect(row).toMatchObject({
      orgId: signer.orgId,
      uploadedById: signer.userId,
      status: "UPLOADED",
      pageCount: 6,
      sha256: "45eefaf9e9ebd32f16e1f4e3ef54e12e7f67806152efc2016bc5a973fdf41674",
    });
    expect(Buffer.from(await store.get(row.storageKey)).equals(readFileSync(f.path))).toBe(true);
    const entries = await t.db.auditEntry.findMany({
      where: { orgId: signer.orgId, action: "document.uploaded", subjectId: row.id },
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.data).toMatchObject({
      sha256: row.sha256,
      size: row.size,
      pageCount: 6,
      request: { ip: "192.0.2.7" },
    });
  });

  it("stores and serves the name without bidirectional controls (U+202E would disguise it)", async () => {
    const outcome = await upload(
      signer,
      file("p06-reportlab-simple.pdf"),
      200 * MB,
      undefined,
      "invoice\u202Efdp.\u2066pdf",
    );
    if (!outcome.accepted) throw new Error("expected the upload to be accepted");
    expect(outcome.document.fileName).toBe("invoicefdp.pdf");
    const row = await t.db.document.findUniqueOrThrow({ where: { id: outcome.document.id } });
    expect(row.fileName).toBe("invoicefdp.pdf");
    const entry = await t.db.auditEntry.findFirstOrThrow({
      where: { orgId: signer.orgId, action: "document.uploaded", subjectId: row.id },
    });
    expect(JSON.stringify(entry.data)).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    const opened = await openOriginal(t.db, store, signer, row.id);
    expect(opened.fileName).toBe("invoicefdp.pdf");
    await opened.body.cancel();
    const refused = await upload(signer, file("p22-not-pdf-png.pdf"), 200 * MB, undefined, "photo\u202Egnp.pdf");
    expect(refused).toMatchObject({ accepted: false, fileName: "photognp.pdf" });
    const rejected = await t.db.auditEntry.findFirst({
      where: { orgId: signer.orgId, action: "document.rejected" },
      orderBy: { seq: "desc" },
    });
    expect(rejected?.data).toMatchObject({ fileName: "photognp.pdf" });
  });

  it("gives the page sizes as displayed, rotation included", async () => {
    const outcome = await upload(signer, file("p13-qpdf-rotate90-page1.pdf"));
    expect(outcome.accepted && outcome.document.pages[0]).toEqual({
      width: 841.889763779528,
      height: 595.303937007874,
    });
    if (outcome.accepted)
      expect(await pagesOf(t.db, store, signer, outcome.document.id)).toEqual(outcome.document.pages);
  });

  const refusals: [string, string, RegExp][] = [
    ["p22-not-pdf-png.pdf", "not_pdf", /^Not a PDF/],
    ["more/p24-damaged-empty.pdf", "not_pdf", /^Not a PDF/],
    [
      "p12-qpdf-aes256-user-password.pdf",
      "encrypted",
      /^Protected by a password — remove the protection and upload again\.$/,
    ],
    ["p11-qpdf-aes256-owner-only.pdf", "encrypted", /^Protected by a password/],
    ["p20-damaged-truncated.pdf", "damaged", /^Damaged/],
    ["p24-deep-nested-arrays.pdf", "damaged", /^Damaged/],
    ["more/p27-damaged-missing-root.pdf", "damaged", /^Damaged/],
  ];
  it.each(refusals)("refuses %s as %s in plain words, leaving no row and no bytes", async (id, reason, message) => {
    const rowsBefore = await t.db.document.count();
    const objectsBefore = storedObjects();
    const outcome = await upload(signer, file(id));
    expect(outcome).toMatchObject({ accepted: false, reason, fileName: path.basename(id) });
    expect(!outcome.accepted && outcome.message).toMatch(message);
    expect(await t.db.document.count()).toBe(rowsBefore);
    expect(storedObjects()).toEqual(objectsBefore);
    const rejected = await t.db.auditEntry.findFirst({
      where: { orgId: signer.orgId, action: "document.rejected" },
      orderBy: { seq: "desc" },
    });
    expect(rejected?.data).toMatchObject({ fileName: path.basename(id), reason });
  });

  it("refuses a file over the limit while it streams, and one announced as too large without reading it", async () => {
    const objectsBefore = storedObjects();
    const big = file("p07-img2pdf-png-scan-a4.pdf");
    const streamed = await upload(signer, big, 1 * MB);
    expect(streamed).toMatchObject({ accepted: false, reason: "too_large", message: "Too large (limit 1 MB)." });
    const announced = await upload(signer, big, 1 * MB, 6_394_530);
    expect(announced).toMatchObject({ accepted: false, reason: "too_large" });
    expect(storedObjects()).toEqual(objectsBefore);
  });

  it("lets only signers upload", async () => {
    const objectsBefore = storedObjects();
    await expect(upload(auditor, file("p06-reportlab-simple.pdf"))).rejects.toBeInstanceOf(ForbiddenError);
    expect(storedObjects()).toEqual(objectsBefore);
  });

  it("never serves or lists a document of another organisation", async () => {
    const theirs = await upload(stranger, file("p06-reportlab-simple.pdf"));
    if (!theirs.accepted) throw new Error("expected the upload to be accepted");
    await expect(openOriginal(t.db, store, signer, theirs.document.id)).rejects.toBeInstanceOf(DocumentNotFoundError);
    await expect(pagesOf(t.db, store, signer, theirs.document.id)).rejects.toBeInstanceOf(DocumentNotFoundError);
    await expect(openOriginal(t.db, store, signer, "not-a-uuid")).rejects.toBeInstanceOf(DocumentNotFoundError);
    expect((await listDocuments(t.db, signer)).map((d) => d.id)).not.toContain(theirs.document.id);
    expect(await listDocuments(t.db, signer, { ids: [theirs.document.id] })).toEqual([]);
    const own = await openOriginal(t.db, store, stranger, theirs.document.id);
    expect(own.fileName).toBe("p06-reportlab-simple.pdf");
    await own.body.cancel();
  });

  it("keeps both audit chains intact", async () => {
    for (const ctx of [signer, stranger]) expect((await verifyChain(t.db, `org:${ctx.orgId}`)).valid).toBe(true);
  });
});
