import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { getTestPki, exportPkcs12, type TestPki } from "@/test/support/pki-fixtures";
import { issueFromCsr, opensslReqVerifyText } from "@/test/support/openssl-csr";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { parseCertificate, parseCertificates } from "@/lib/engine/pki/certificate";
import { sealPdf } from "@/lib/engine/seal/seal-pdf";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import { submitGovernedAction } from "@/lib/approvals/submit-action";
import { createCertificateRequest, importPkcs12Key, uploadCertificate } from "@/lib/custody/enrol-key";
import { keyBackendFor } from "@/lib/custody/key-backends";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import { tinyPdf } from "@/test/support/pdf-samples";

const request = { ip: "192.0.2.3", userAgent: "vitest" };
const master = new LocalMasterKey(randomBytes(32).toString("base64"));
let t: TestDatabase;
let pki: TestPki;
let ctx: OrgContext;

beforeAll(async () => {
  t = await createTestDatabase();
  pki = await getTestPki();
  const org = await t.db.organization.create({ data: { name: "Enrolment Org" } });
  const user = await t.db.user.create({ data: { email: "enrol@example.com", name: "Enrol Admin", passwordHash: "x" } });
  await t.db.membership.create({ data: { userId: user.id, orgId: org.id, roles: [Role.ADMIN, Role.SIGNER] } });
  ctx = await authorize(t.db, user.id, org.id, "certificates.manage");
}, 120_000);
afterAll(async () => t?.drop());

const auditCount = (action: string) => t.db.auditEntry.count({ where: { chainId: chainIdFor(ctx.orgId), action } });

describe("enrolment of a platform key", () => {
  it("key → CSR signed by the key → CA certificate uploaded with its chain → activated → seals a PDF that verifies", async () => {
    const { keyId } = await createPlatformKey(t.db, ctx, { label: "enrolled", algorithm: "EC-P256" }, master, request);
    const { pem } = await createCertificateRequest(
      t.db,
      ctx,
      keyId,
      { commonName: "Ada Lovelace, P.Eng.", organisation: "Enrolment Org", country: "CA", serialNumber: "PEO-100123" },
      master,
      request,
    );
    expect((await opensslReqVerifyText(pki, pem)).ok).toBe(true);
    expect(await auditCount("csr.created")).toBe(1);

    const issued = await issueFromCsr(pki, pem);
    const { certificateId, testing } = await uploadCertificate(
      t.db,
      ctx,
      keyId,
      issued.certPem + pki.chainPem,
      request,
    );
    expect(testing).toBe(false);
    const stored = await t.db.signingCertificate.findUniqueOrThrow({ where: { id: certificateId } });
    expect(stored).toMatchObject({ state: "INACTIVE", selfSigned: false, keyId });
    expect(parseCertificates(stored.chainPem).length).toBeGreaterThanOrEqual(1);
    await submitGovernedAction(t.db, ctx, { kind: "certificate.activate", certificateId }, request);
    expect((await t.db.signingCertificate.findUniqueOrThrow({ where: { id: certificateId } })).state).toBe("ACTIVE");

    const sealed = await sealPdf(tinyPdf(), {
      backend: await keyBackendFor(t.db, ctx.orgId, keyId, master),
      certificate: parseCertificate(stored.der),
      chain: parseCertificates(stored.chainPem),
    });
    const report = await verifyPdf(sealed.pdf, { trustAnchors: [pki.root.certPem] });
    expect(report.summary.exitCode).toBe(0);
    expect(await auditCount("certificate.uploaded")).toBe(1);
    expect(await auditCount("certificate.activated")).toBe(1);
  });

  it("a certificate for another key is refused with its own message, audited, nothing stored", async () => {
    const { keyId } = await createPlatformKey(t.db, ctx, { label: "mismatch", algorithm: "EC-P256" }, master, request);
    const other = await pki.leaf("ec256");
    const before = await t.db.signingCertificate.count();
    await expect(uploadCertificate(t.db, ctx, keyId, other.certPem, request)).rejects.toThrow(
      /issued for a different key/,
    );
    expect(await t.db.signingCertificate.count()).toBe(before);
    expect(await auditCount("certificate.rejected")).toBeGreaterThanOrEqual(1);
  });

  it("a self-signed certificate needs the testing policy, and is then marked as testing", async () => {
    const pkcs12 = await exportPkcs12(
      pki,
      await pki.issue({ name: "self signed seal", key: "ec256", issuer: "self", basicConstraints: "CA:FALSE" }),
      { password: "pw" },
    );
    await expect(
      importPkcs12Key(t.db, ctx, { label: "self signed", password: "pw", file: pkcs12 }, master, request),
    ).rejects.toThrow(/self-signed/i);
    expect(await t.db.signingKey.count({ where: { orgId: ctx.orgId, label: "self signed" } })).toBe(0);
    await t.db.organization.update({ where: { id: ctx.orgId }, data: { allowSelfSignedCertificates: true } });
    const { certificateId } = await importPkcs12Key(
      t.db,
      ctx,
      { label: "self signed", password: "pw", file: pkcs12 },
      master,
      request,
    );
    expect((await t.db.signingCertificate.findUniqueOrThrow({ where: { id: certificateId } })).selfSigned).toBe(true);
    await t.db.organization.update({ where: { id: ctx.orgId }, data: { allowSelfSignedCertificates: false } });
  });
});

describe("PKCS#12 import", () => {
  for (const [key, algorithm] of [
    ["rsa2048", "aes"],
    ["ec256", "3des"],
    ["rsa2048", "rc2"],
  ] as const) {
    it(`${key} (${algorithm}): the key is encrypted before it reaches the database and signs`, async () => {
      const leaf = await pki.issue({ name: `p12 signer ${key} ${algorithm}`, key });
      const file = await exportPkcs12(pki, leaf, { password: "correct password", encryption: algorithm, chain: true });
      const label = `p12 ${key} ${algorithm}`;
      const { keyId, certificateId } = await importPkcs12Key(
        t.db,
        ctx,
        { label, password: "correct password", file },
        master,
        request,
      );
      const material = await t.db.platformKeyMaterial.findUniqueOrThrow({ where: { keyId } });
      expect(
        Buffer.from(material.ciphertext).includes(Buffer.from(leaf.keyPem.split("\n")[1]!.slice(0, 32), "base64")),
      ).toBe(false);
      await submitGovernedAction(t.db, ctx, { kind: "certificate.activate", certificateId }, request);
      const certificate = await t.db.signingCertificate.findUniqueOrThrow({ where: { id: certificateId } });
      const sealed = await sealPdf(tinyPdf(), {
        backend: await keyBackendFor(t.db, ctx.orgId, keyId, master),
        certificate: parseCertificate(certificate.der),
        chain: parseCertificates(certificate.chainPem),
      });
      expect((await verifyPdf(sealed.pdf, { trustAnchors: [pki.root.certPem] })).summary.exitCode).toBe(0);
    });
  }

  it("a wrong password is a clear error, audited, with nothing stored", async () => {
    const file = await exportPkcs12(pki, await pki.leaf("rsa2048"), { password: "right" });
    const keys = await t.db.signingKey.count();
    const error = await importPkcs12Key(
      t.db,
      ctx,
      { label: "wrong password", password: "Tr0ub4dor&3-not-it", file },
      master,
      request,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "pkcs12.bad_password" });
    expect((error as Error).message).not.toContain("Tr0ub4dor");
    expect(
      await t.db.auditEntry.count({
        where: {
          chainId: chainIdFor(ctx.orgId),
          action: "certificate.rejected",
          data: { path: ["code"], equals: "pkcs12.bad_password" },
        },
      }),
    ).toBe(1);
    expect(await t.db.signingKey.count()).toBe(keys);
  });
});
