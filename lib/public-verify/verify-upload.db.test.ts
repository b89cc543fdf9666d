import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { appendAudit } from "@/lib/audit/append-audit";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { uploadDocument } from "@/lib/documents/upload-document";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { parseCertificate } from "@/lib/engine/pki/certificate";
import { prepareSeal } from "@/lib/sealing/prepare-seal";
import { sealDocuments } from "@/lib/sealing/seal-documents";
import { FakeStepUp } from "@/test/support/fake-step-up";
import { appendInfoUpdate } from "@/test/support/pdf-fixtures/append-info-update";
import { sealForTest } from "@/test/support/pdf-fixtures/seal-for-test";
import { enrolTestCertificate } from "@/test/support/certificate-enrolment";
import { corpusFiles } from "@/test/support/pdf-corpus";
import { renderPage } from "@/test/support/pdf-tools";
import type { TestPki } from "@/test/support/pki-fixtures";
import { expectedQr, sampleQr } from "@/test/support/qr-render";
import { SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { documentAnswer, signatureAnswer } from "@/lib/public-verify/plain-answer";
import { VerifyUnreadableError } from "@/lib/public-verify/public-verify-errors";
import { recordedSeal } from "@/lib/public-verify/recorded-seal";
import { verifyUpload } from "@/lib/public-verify/verify-upload";

const PUBLIC_URL = "https://signet.example.com";
const request = { ip: "198.51.100.4", userAgent: "vitest" };
const master = new LocalMasterKey(randomBytes(32).toString("base64"));
const dir = mkdtempSync(path.join(tmpdir(), "signet-public-verify-"));
const store = new LocalDocumentStore(dir);
const stepUp = new FakeStepUp();
const STAMP = { page: 1, rect: { x: 24, y: 24, width: 200, height: 80 } };
const corpusPath = (id: string) => corpusFiles().find((f) => f.id === id)!.path;
const signedCorpus = (file: string) => new Uint8Array(readFileSync(path.join(SIGNED_CORPUS_DIR, file)));

let t: TestDatabase;
let olivia: OrgContext;
let keyId: string;
let pki: TestPki;
let alphaId: string;

async function member(orgId: string, name: string, roles: Role[]): Promise<OrgContext> {
  const user = await t.db.user.create({
    data: { email: `${name.toLowerCase().replace(/\W+/g, ".")}@example.test`, name, passwordHash: "x" },
  });
  await t.db.membership.create({ data: { userId: user.id, orgId, roles } });
  return authorize(t.db, user.id, orgId, "organisation.view");
}

async function audit(
  orgId: string,
  action: "certificate.activated" | "certificate.rotated" | "certificate.revoked",
  certificateId: string,
  data: Record<string, string | number> = {},
) {
  await t.db.$transaction((tx) =>
    appendAudit(tx, {
      orgId,
      actorId: olivia.userId,
      action,
      subjectType: "certificate",
      subjectId: certificateId,
      data,
    }),
  );
}

/** Seals one corpus file through the app's sealing service (upload, step-up, seal); returns the sealed bytes and the Seal row. */
async function sealThroughSignet(corpusId: string, certificateId: string) {
  const uploaded = await uploadDocument(
    t.db,
    store,
    olivia,
    { fileName: path.basename(corpusPath(corpusId)), body: [readFileSync(corpusPath(corpusId))] },
    50 * 1024 * 1024,
    request,
  );
  if (!uploaded.accepted) throw new Error(uploaded.message);
  const input = {
    certificateId,
    reason: "Approved",
    location: null,
    documents: [{ documentId: uploaded.document.id, placement: STAMP }],
  };
  const prepared = await prepareSeal(t.db, store, olivia, input, stepUp, request);
  const passkey = {
    kind: "webauthn" as const,
    assertion: {
      id: "cred",
      rawId: "cred",
      type: "public-key",
      response: {},
      clientExtensionResults: {},
    } as unknown as AuthenticationResponseJSON,
  };
  const outcome = await sealDocuments(
    t.db,
    store,
    olivia,
    { challengeId: prepared.challengeId, request: input, response: passkey },
    { stepUp, masterKey: master, publicUrl: PUBLIC_URL },
    request,
  );
  const done = outcome.documents[0]!;
  if (done.status !== "SEALED") throw new Error(done.failure);
  const seal = await t.db.seal.findUniqueOrThrow({ where: { id: done.sealId } });
  return { bytes: await store.get(seal.storageKey), seal };
}

let first: Awaited<ReturnType<typeof sealThroughSignet>>;
let firstCertificateId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const alpha = await t.db.organization.create({ data: { name: "Alpha Structural" } });
  alphaId = alpha.id;
  olivia = await member(alpha.id, "Olivia Owner", [Role.OWNER, Role.SIGNER]);
  ({ keyId } = await createPlatformKey(t.db, olivia, { label: "Seal 2027", algorithm: "EC-P256" }, master, request));
  const enrolled = await enrolTestCertificate(t.db, {
    orgId: alpha.id,
    keyId,
    createdById: olivia.userId,
    subject: "/C=BE/O=Alpha Structural/CN=Olivia Owner",
  });
  firstCertificateId = enrolled.id;
  pki = enrolled.pki;
  await audit(alpha.id, "certificate.activated", firstCertificateId);
  first = await sealThroughSignet("p03-libreoffice74-plain.pdf", firstCertificateId);
}, 240_000);
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a seal made by Signet", () => {
  it("records the SHA-256 of its CMS, and its stamp carries the QR code of its public page", async () => {
    expect(first.seal.signatureSha256).toMatch(/^[0-9a-f]{64}$/);
    const dpi = 300;
    const scale = dpi / 72;
    const render = renderPage(first.bytes, 1, path.join(dir, "stamp"), { dpi });
    const rect = STAMP.rect;
    const region = {
      left: Math.floor(rect.x * scale),
      right: Math.ceil((rect.x + rect.width) * scale),
      top: Math.floor(render.height - (rect.y + rect.height) * scale),
      bottom: Math.ceil(render.height - rect.y * scale),
    };
    const url = `${PUBLIC_URL}/verify/${first.seal.id}`;
    const expected = expectedQr(url);
    expect(sampleQr(render, expected.length, region)).toEqual(expected);
  });

  it("is found in Signet's records by its signature hash: who sealed, when, the certificate Signet manages and its status", async () => {
    const report = await verifyUpload(t.db, first.bytes, { publicUrl: PUBLIC_URL });
    expect(report.summary).toMatchObject({ verdict: "valid", allValid: true, signatureCount: 1 });
    const signature = report.signatures[0]!;
    expect(signature.chain.trust).toBe("trusted");
    expect(signature.signet).toEqual({
      inRecords: true,
      sealId: first.seal.id,
      sealedAt: first.seal.sealedAt.toISOString(),
      sealedBy: "Olivia Owner",
      verifyUrl: `${PUBLIC_URL}/verify/${first.seal.id}`,
      recognition: "signet-managed",
      organisations: ["Alpha Structural"],
      testingCertificate: false,
      certificateStatusAtSigning: { status: "active", since: expect.any(String) },
      certificateStatusNow: { status: "active", since: expect.any(String) },
      certificateStatus: "active",
      note: expect.stringContaining("Sealed with Signet by Olivia Owner of Alpha Structural"),
    });
    expect(JSON.stringify(report)).not.toMatch(/@example\.test/);
    expect(documentAnswer(report)).toMatchObject({ label: "Valid", tone: "valid" });
  });

  it("one byte changed inside the signed range: invalid; an unsigned update appended: changed after sealing", async () => {
    const changed = new Uint8Array(first.bytes);
    changed[200] = changed[200]! ^ 0x01;
    const tampered = await verifyUpload(t.db, changed, { publicUrl: PUBLIC_URL });
    expect(tampered.summary.verdict).toBe("invalid");
    expect(tampered.signatures[0]!.reason).toBe("The signature does not match the document.");
    // Still Signet's seal (the CMS is untouched): the recipient learns which seal was tampered with.
    expect(tampered.signatures[0]!.signet).toMatchObject({ inRecords: true, sealId: first.seal.id });

    const updated = await verifyUpload(t.db, appendInfoUpdate(first.bytes), { publicUrl: PUBLIC_URL });
    expect(updated.summary).toMatchObject({ verdict: "invalid", modifiedAfterLastSignature: true });
    expect(updated.signatures[0]!.changesAfter.status).toBe("modified");
    expect(signatureAnswer(updated.signatures[0]!)).toMatchObject({
      label: "Invalid",
      reason: "The document was changed after it was sealed.",
    });
  });

  it("shows its public record by seal id, without e-mail addresses; unknown ids give nothing", async () => {
    const record = await recordedSeal(t.db, first.seal.id);
    const document = await t.db.document.findUniqueOrThrow({ where: { id: first.seal.documentId } });
    expect(record).toMatchObject({
      sealId: first.seal.id,
      organisation: "Alpha Structural",
      sealedBy: "Olivia Owner",
      document: {
        fileName: "p03-libreoffice74-plain.pdf",
        originalSha256: document.sha256,
        sealedSha256: first.seal.sealedSha256,
      },
      certificate: {
        sha256: first.seal.certificateSha256,
        testing: false,
        statusAtSealing: { status: "active" },
        statusNow: { status: "active" },
      },
    });
    expect(JSON.stringify(record)).not.toMatch(/@/);
    expect(await recordedSeal(t.db, randomUUID())).toBeNull();
    expect(await recordedSeal(t.db, "not-a-seal-id")).toBeNull();
  });
});

describe("trust: who Signet recognises", () => {
  it("a certificate issued under an organisation's uploaded CA chain is recognised, with the organisation named", async () => {
    const leaf = await pki.leaf("rsa2048");
    const pdf = await sealForTest(new Uint8Array(readFileSync(corpusPath("p06-reportlab-simple.pdf"))), pki, leaf);
    const report = await verifyUpload(t.db, pdf, { publicUrl: PUBLIC_URL });
    expect(report.signatures[0]).toMatchObject({ verdict: "valid", chain: { trust: "trusted" } });
    expect(report.signatures[0]!.signet).toMatchObject({
      inRecords: false,
      recognition: "organisation-ca",
      organisations: ["Alpha Structural"],
    });
  });

  it("a signer from elsewhere is analysed for integrity and reported as not known to Signet; tampering is still found", async () => {
    const external = await verifyUpload(t.db, signedCorpus("s01-pyhanko-pades-bb-rsa.pdf"), { publicUrl: PUBLIC_URL });
    expect(external.signatures[0]).toMatchObject({
      verdict: "indeterminate",
      reason: "The signature is intact, but the signer is not known to Signet.",
      integrity: { intact: true },
    });
    expect(external.signatures[0]!.signet).toMatchObject({ inRecords: false, recognition: "unknown" });
    expect(signatureAnswer(external.signatures[0]!)).toMatchObject({
      label: "Cannot be verified",
      notes: expect.arrayContaining(["The signer is not known to Signet."]),
    });

    const two = await verifyUpload(t.db, signedCorpus("s03-pyhanko-two-signatures.pdf"), { publicUrl: PUBLIC_URL });
    expect(two.summary.signatureCount).toBe(2);
    expect(two.signatures.map((s) => [s.integrity.intact, s.changesAfter.status])).toEqual([
      [true, "signature-updates-only"],
      [true, "none"],
    ]);

    const selfSigned = await verifyUpload(t.db, signedCorpus("s06-pyhanko-selfsigned.pdf"), { publicUrl: PUBLIC_URL });
    expect(selfSigned.signatures[0]).toMatchObject({ verdict: "indeterminate", signet: { recognition: "unknown" } });

    expect(
      (await verifyUpload(t.db, signedCorpus("t01-tampered-signed-byte.pdf"), { publicUrl: PUBLIC_URL })).signatures[0]!
        .verdict,
    ).toBe("invalid");
    expect(
      (await verifyUpload(t.db, signedCorpus("t03-tampered-signature-value.pdf"), { publicUrl: PUBLIC_URL }))
        .signatures[0]!.verdict,
    ).toBe("invalid");
  });

  it("once an organisation registers that CA chain, the same signer is recognised as under its CA", async () => {
    const delta = await t.db.organization.create({ data: { name: "Delta Surveys" } });
    const dora = await member(delta.id, "Dora Admin", [Role.OWNER]);
    const { keyId: deltaKey } = await createPlatformKey(
      t.db,
      dora,
      { label: "Delta seal", algorithm: "EC-P256" },
      master,
      request,
    );
    const chainPem =
      readFileSync(path.join(SIGNED_CORPUS_DIR, "test-intermediate-ca.pem"), "utf8") +
      readFileSync(path.join(SIGNED_CORPUS_DIR, "test-root-ca.pem"), "utf8");
    const someLeaf = parseCertificate((await pki.leaf("ec256")).certDer);
    await t.db.signingCertificate.create({
      data: {
        orgId: delta.id,
        keyId: deltaKey,
        der: Buffer.from(someLeaf.der),
        chainPem,
        sha256: `${"0".repeat(63)}1`,
        subject: "CN=placeholder",
        issuer: "CN=placeholder",
        serialHex: "01",
        notBefore: new Date(),
        notAfter: new Date(Date.now() + 86_400_000),
        selfSigned: false,
        createdById: dora.userId,
      },
    });
    const report = await verifyUpload(t.db, signedCorpus("s01-pyhanko-pades-bb-rsa.pdf"), { publicUrl: PUBLIC_URL });
    expect(report.signatures[0]).toMatchObject({
      verdict: "valid",
      signet: { recognition: "organisation-ca", organisations: ["Delta Surveys"] },
    });
  });

  it("a self-signed testing certificate is Signet-managed and labelled as a testing certificate", async () => {
    const gamma = await t.db.organization.create({ data: { name: "Gamma Trials", allowSelfSignedCertificates: true } });
    const gus = await member(gamma.id, "Gus Tester", [Role.OWNER, Role.SIGNER]);
    const testing = await pki.issue({
      name: "Gus Testing Seal",
      key: "ec256",
      issuer: "self",
      subject: "/O=Gamma Trials/CN=Gus Testing Seal",
    });
    const certificate = parseCertificate(testing.certDer);
    const key = await t.db.signingKey.create({
      data: {
        orgId: gamma.id,
        label: "imported",
        backend: "PLATFORM",
        algorithm: "EC-P256",
        publicKey: Buffer.from(certificate.spki),
        publicKeySha256: "x",
        createdById: gus.userId,
      },
    });
    const row = await t.db.signingCertificate.create({
      data: {
        orgId: gamma.id,
        keyId: key.id,
        der: Buffer.from(certificate.der),
        chainPem: "",
        sha256: certificate.fingerprintSha256,
        subject: certificate.subject,
        issuer: certificate.issuer,
        serialHex: certificate.serialNumberHex,
        notBefore: certificate.notBefore,
        notAfter: certificate.notAfter,
        selfSigned: true,
        state: "ACTIVE",
        createdById: gus.userId,
        activatedAt: new Date(),
      },
    });
    await t.db.$transaction((tx) =>
      appendAudit(tx, {
        orgId: gamma.id,
        actorId: gus.userId,
        action: "certificate.activated",
        subjectType: "certificate",
        subjectId: row.id,
        data: {},
      }),
    );
    const pdf = await sealForTest(new Uint8Array(readFileSync(corpusPath("p06-reportlab-simple.pdf"))), pki, testing);
    const report = await verifyUpload(t.db, pdf, { publicUrl: PUBLIC_URL });
    expect(report.signatures[0]).toMatchObject({
      verdict: "valid",
      signet: {
        recognition: "signet-managed",
        testingCertificate: true,
        organisations: ["Gamma Trials"],
        inRecords: false,
      },
    });
    expect(signatureAnswer(report.signatures[0]!).notes.join(" ")).toMatch(/testing certificate/);
  });
});

describe("certificate status at signing time and now, from the audit trail", () => {
  it("a seal stays valid when its certificate is rotated and then revoked later; the report says both", async () => {
    const successor = await enrolTestCertificate(t.db, {
      orgId: alphaId,
      keyId,
      createdById: olivia.userId,
      state: "INACTIVE",
    });
    await audit(alphaId, "certificate.rotated", firstCertificateId, {
      successorId: successor.id,
      reason: "yearly",
      oldSha256: first.seal.certificateSha256,
      newSha256: successor.sha256,
    });
    let report = await verifyUpload(t.db, first.bytes, { publicUrl: PUBLIC_URL });
    expect(report.signatures[0]!.signet).toMatchObject({
      certificateStatusAtSigning: { status: "active" },
      certificateStatusNow: { status: "superseded" },
    });
    expect(report.summary.verdict).toBe("valid");

    const effectiveAt = new Date().toISOString();
    await t.db.signingCertificate.update({
      where: { id: firstCertificateId },
      data: {
        state: "REVOKED",
        revokedAt: new Date(),
        revocationReason: 1,
        revocationEffectiveAt: new Date(effectiveAt),
      },
    });
    await audit(alphaId, "certificate.revoked", firstCertificateId, {
      sha256: first.seal.certificateSha256,
      reasonCode: 1,
      reasonName: "keyCompromise",
      effectiveAt,
    });
    report = await verifyUpload(t.db, first.bytes, { publicUrl: PUBLIC_URL });
    const signature = report.signatures[0]!;
    expect(signature.signet).toMatchObject({
      certificateStatusAtSigning: { status: "active" },
      certificateStatusNow: { status: "revoked", since: effectiveAt, revocationReason: "keyCompromise" },
      certificateStatus: "revoked",
    });
    expect(signature.verdict).toBe("valid");
    expect(signatureAnswer(signature).notes.join(" ")).toMatch(
      /revoked on \d{4}-\d\d-\d\d \(key compromise\), after this seal was made/,
    );
    expect(await recordedSeal(t.db, first.seal.id)).toMatchObject({
      certificate: {
        statusAtSealing: { status: "active" },
        statusNow: { status: "revoked", revocationReason: "keyCompromise" },
      },
    });
  });

  it("a seal made after its certificate's revocation took effect is invalid", async () => {
    const other = await enrolTestCertificate(t.db, {
      orgId: alphaId,
      keyId,
      createdById: olivia.userId,
      subject: "/C=BE/O=Alpha Structural/CN=Olivia Owner 2",
    });
    await audit(alphaId, "certificate.activated", other.id);
    const sealed = await sealThroughSignet("p13-qpdf-rotate90-page1.pdf", other.id);
    // Revoked afterwards, with an effective time before the seal (a key compromise found out late).
    const effectiveAt = new Date(sealed.seal.sealedAt.getTime() - 60_000).toISOString();
    await audit(alphaId, "certificate.revoked", other.id, {
      sha256: other.sha256,
      reasonCode: 1,
      reasonName: "keyCompromise",
      effectiveAt,
    });
    const report = await verifyUpload(t.db, sealed.bytes, { publicUrl: PUBLIC_URL });
    expect(report.signatures[0]).toMatchObject({
      verdict: "invalid",
      signet: { inRecords: true, certificateStatusAtSigning: { status: "revoked" } },
    });
    expect(report.signatures[0]!.reason).toMatch(/revoked on \d{4}-\d\d-\d\d, before this signature was made/);
    expect(report.summary.verdict).toBe("invalid");
  });
});

describe("what a verification leaves behind", () => {
  async function rowCounts(): Promise<Record<string, number>> {
    const tables = await t.db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables)
      counts[name] = Number(
        (await t.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${name}"`))[0]!.n,
      );
    return counts;
  }
  function files(root: string): string[] {
    return readdirSync(root, { recursive: true, withFileTypes: false })
      .map((f) => `${f}:${statSync(path.join(root, String(f))).size}`)
      .sort();
  }

  it("nothing: no row in any table, no file, for a valid, a tampered and an unreadable file", async () => {
    const beforeRows = await rowCounts();
    const beforeFiles = files(dir);
    expect(Object.keys(beforeRows).length).toBeGreaterThan(20);
    await verifyUpload(t.db, first.bytes, { publicUrl: PUBLIC_URL });
    await verifyUpload(t.db, appendInfoUpdate(first.bytes), { publicUrl: PUBLIC_URL });
    await expect(
      verifyUpload(t.db, new Uint8Array(readFileSync(corpusPath("p22-not-pdf-png.pdf"))), { publicUrl: PUBLIC_URL }),
    ).rejects.toBeInstanceOf(VerifyUnreadableError);
    expect(await rowCounts()).toEqual(beforeRows);
    expect(files(dir)).toEqual(beforeFiles);
  });
});

describe("hostile and unreadable files", () => {
  it.each(corpusFiles().map((f) => [f.id, f] as const))(
    "%s gives a report or a clear error, never a crash",
    async (_id, file) => {
      const bytes = new Uint8Array(readFileSync(file.path));
      const started = Date.now();
      const outcome = await verifyUpload(t.db, bytes, { publicUrl: PUBLIC_URL }).catch((error: unknown) => error);
      expect(Date.now() - started).toBeLessThan(15_000);
      if (outcome instanceof Error) {
        expect(outcome, String(outcome)).toBeInstanceOf(VerifyUnreadableError);
        expect((outcome as VerifyUnreadableError).status).toBeLessThan(500);
        expect(outcome.message).toMatch(/PDF/);
        expect(file.expected).not.toBe("seal-ok");
      } else {
        const report = outcome as Awaited<ReturnType<typeof verifyUpload>>;
        expect(report.reportVersion).toBe(1);
        if (report.summary.signatureCount === 0)
          expect(report.summary).toMatchObject({ verdict: "invalid", reason: "The document holds no signature." });
      }
    },
  );

  it("a file that is not a PDF is refused with a 400 and a sentence", async () => {
    const error = (await verifyUpload(t.db, new TextEncoder().encode("hello, I am a text file"), {
      publicUrl: PUBLIC_URL,
    }).catch((e: unknown) => e)) as VerifyUnreadableError;
    expect(error).toBeInstanceOf(VerifyUnreadableError);
    expect(error).toMatchObject({ status: 400, code: "pdf.not_pdf" });
    expect(error.message).toMatch(/not a PDF/);
  });
});
