import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { enrolTestCertificate } from "@/test/support/certificate-enrolment";
import { corpusFiles } from "@/test/support/pdf-corpus";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { submitGovernedAction } from "@/lib/approvals/submit-action";
import { verifyChain } from "@/lib/audit/verify-chain";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { ForbiddenError } from "@/lib/access/access-errors";
import { keyBackendFor } from "@/lib/custody/key-backends";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { openSealed } from "@/lib/documents/open-document";
import { uploadDocument } from "@/lib/documents/upload-document";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { prepareSeal } from "@/lib/sealing/prepare-seal";
import { sealDocuments } from "@/lib/sealing/seal-documents";
import type { SealRequestInput } from "@/lib/sealing/seal-request";
import { listSealingCertificates } from "@/lib/sealing/sealing-certificates";
import { SealingError } from "@/lib/sealing/sealing-errors";
import { FakeStepUp } from "@/test/support/fake-step-up";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import { setCertificateSealers } from "@/lib/lifecycle/certificate-sealers";
import { lifecycleAttention } from "@/lib/lifecycle/attention";
import { certificateDetails } from "@/lib/lifecycle/certificate-details";
import { certificateOverview } from "@/lib/lifecycle/certificate-overview";
import { certificateStatusAt } from "@/lib/lifecycle/certificate-status";
import { certificateTimeline } from "@/lib/lifecycle/certificate-timeline";
import { LifecycleError } from "@/lib/lifecycle/lifecycle-errors";

const request = { ip: "198.51.100.7", userAgent: "vitest" };
const master = new LocalMasterKey(randomBytes(32).toString("base64"));
const dir = mkdtempSync(path.join(tmpdir(), "signet-lifecycle-"));
const store = new LocalDocumentStore(dir);
const stepUp = new FakeStepUp();
const pdf = corpusFiles().find((f) => f.id === "p03-libreoffice74-plain.pdf");

let t: TestDatabase;
let orgId: string;
let olivia: OrgContext; // OWNER + SIGNER
let adam: OrgContext; // ADMIN only
let sam: OrgContext; // SIGNER only
let aud: OrgContext; // AUDITOR only
let other: OrgContext; // ADMIN of another organisation
let keyId: string;
let rootPem: string;

async function member(org: string, name: string, roles: Role[]): Promise<OrgContext> {
  const user = await t.db.user.create({
    data: { email: `${name.toLowerCase().replace(/\W+/g, ".")}@example.test`, name, passwordHash: "x" },
  });
  await t.db.membership.create({ data: { userId: user.id, orgId: org, roles } });
  return authorize(t.db, user.id, org, "organisation.view");
}

async function enrol(state: "INACTIVE" | "ACTIVE" = "INACTIVE", key = keyId) {
  const enrolled = await enrolTestCertificate(t.db, {
    orgId,
    keyId: key,
    createdById: olivia.userId,
    state,
    subject: `/C=BE/O=Alpha/CN=Seal ${randomBytes(3).toString("hex")}`,
  });
  rootPem = enrolled.pki.root.certPem;
  return enrolled;
}

function sealRequest(documentId: string, certificateId: string): SealRequestInput {
  return {
    certificateId,
    reason: "Approved",
    location: "Ghent",
    documents: [{ documentId, placement: { page: 1, rect: { x: 24, y: 24, width: 180, height: 72 } } }],
  };
}

/** Uploads the corpus file and seals it through the real sealing journey (with a stand-in step-up). */
async function sealWith(ctx: OrgContext, certificateId: string) {
  if (pdf === undefined) throw new Error("corpus file missing");
  const uploaded = await uploadDocument(
    t.db,
    store,
    olivia,
    { fileName: "plan.pdf", body: [readFileSync(pdf.path)] },
    50 * 1024 * 1024,
    request,
  );
  if (!uploaded.accepted) throw new Error(uploaded.message);
  const input = sealRequest(uploaded.document.id, certificateId);
  const prepared = await prepareSeal(t.db, store, ctx, input, stepUp, request);
  const response = {
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
    ctx,
    { challengeId: prepared.challengeId, request: input, response },
    { stepUp, masterKey: master },
    request,
  );
  const result = outcome.documents[0];
  if (result?.status !== "SEALED") throw new Error(`not sealed: ${JSON.stringify(result)}`);
  return { documentId: uploaded.document.id, sealId: result.sealId, sha256After: result.sha256After };
}

async function sealedBytes(ctx: OrgContext, sealId: string): Promise<Buffer> {
  const seal = await t.db.seal.findUniqueOrThrow({ where: { id: sealId } });
  const opened = await openSealed(t.db, store, ctx, seal.documentId);
  return Buffer.from(await new Response(opened.body).arrayBuffer());
}

async function entries(action: string) {
  return t.db.auditEntry.findMany({ where: { orgId, action }, orderBy: { seq: "asc" } });
}

beforeAll(async () => {
  t = await createTestDatabase();
  orgId = (await t.db.organization.create({ data: { name: "Alpha Structural" } })).id;
  const beta = await t.db.organization.create({ data: { name: "Beta Surveys" } });
  olivia = await member(orgId, "Olivia Owner", [Role.OWNER, Role.SIGNER]);
  adam = await member(orgId, "Adam Admin", [Role.ADMIN]);
  sam = await member(orgId, "Sam Signer", [Role.SIGNER]);
  aud = await member(orgId, "Ada Auditor", [Role.AUDITOR]);
  other = await member(beta.id, "Bob Other", [Role.OWNER]);
  ({ keyId } = await createPlatformKey(t.db, olivia, { label: "Seal 2027", algorithm: "EC-P256" }, master, request));
}, 180_000);
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("rotation", () => {
  it("supersedes the predecessor, activates the successor, re-signs nothing, and the old seal still verifies", async () => {
    const first = await enrol("ACTIVE");
    const second = await enrol();
    const before = await sealWith(olivia, first.id);
    const bytesBefore = await sealedBytes(olivia, before.sealId);

    await expect(
      submitGovernedAction(
        t.db,
        adam,
        { kind: "certificate.rotate", certificateId: first.id, successorId: second.id, reason: "" },
        request,
      ),
    ).rejects.toThrow("Give the reason");
    const outcome = await submitGovernedAction(
      t.db,
      adam,
      { kind: "certificate.rotate", certificateId: first.id, successorId: second.id, reason: "Annual renewal" },
      request,
    );
    expect(outcome).toEqual({ status: "done" });

    const [a, b] = await Promise.all([
      t.db.signingCertificate.findUniqueOrThrow({ where: { id: first.id } }),
      t.db.signingCertificate.findUniqueOrThrow({ where: { id: second.id } }),
    ]);
    expect(a).toMatchObject({ state: "SUPERSEDED", successorId: second.id });
    expect(b.state).toBe("ACTIVE");

    const rotated = (await entries("certificate.rotated")).at(-1);
    expect(rotated).toMatchObject({ actorId: adam.userId, subjectId: first.id });
    expect(rotated?.data).toMatchObject({
      reason: "Annual renewal",
      oldSha256: first.sha256,
      newSha256: second.sha256,
      successorId: second.id,
    });

    // Nothing re-signed: the seal row, its bytes and its certificate are as they were; it still verifies.
    const seal = await t.db.seal.findUniqueOrThrow({ where: { id: before.sealId } });
    expect(seal.certificateSha256).toBe(first.sha256);
    const bytesAfter = await sealedBytes(olivia, before.sealId);
    expect(bytesAfter.equals(bytesBefore)).toBe(true);
    const report = await verifyPdf(new Uint8Array(bytesAfter), { trustAnchors: [rootPem] });
    expect(report.summary.exitCode).toBe(0);
    expect(report.signatures[0]?.signer?.fingerprintSha256).toBe(first.sha256);

    // The superseded certificate seals nothing more; the successor does.
    expect((await listSealingCertificates(t.db, olivia)).map((c) => c.id)).toContain(second.id);
    expect((await listSealingCertificates(t.db, olivia)).map((c) => c.id)).not.toContain(first.id);
    await expect(sealWith(olivia, first.id)).rejects.toThrow(/superseded/);
    const after = await sealWith(olivia, second.id);
    expect((await t.db.seal.findUniqueOrThrow({ where: { id: after.sealId } })).certificateSha256).toBe(second.sha256);

    // Status from the audit trail: active when the first seal was made, superseded now.
    const timeline = await certificateTimeline(t.db, orgId, first.id);
    expect(certificateStatusAt(timeline, a, seal.sealedAt).status).toBe("active");
    expect(certificateStatusAt(timeline, a, new Date()).status).toBe("superseded");
  });

  it("refuses a successor that cannot take over, and a predecessor that is not active", async () => {
    const active = await enrol("ACTIVE");
    const alsoActive = await enrol("ACTIVE");
    const inactive = await enrol();
    const rotate = (certificateId: string, successorId: string) =>
      submitGovernedAction(
        t.db,
        adam,
        { kind: "certificate.rotate", certificateId, successorId, reason: "Renewal" },
        request,
      );
    await expect(rotate(active.id, active.id)).rejects.toThrow("cannot succeed itself");
    await expect(rotate(active.id, alsoActive.id)).rejects.toThrow(/is active; only a newly enrolled certificate/);
    await expect(rotate(inactive.id, active.id)).rejects.toThrow(/only an active certificate can be rotated/);
    const foreign = await t.db.signingCertificate.count({ where: { orgId: other.orgId } });
    expect(foreign).toBe(0);
    await expect(
      submitGovernedAction(
        t.db,
        other,
        { kind: "certificate.rotate", certificateId: active.id, successorId: inactive.id, reason: "Renewal" },
        request,
      ),
    ).rejects.toBeInstanceOf(LifecycleError);
    expect((await t.db.signingCertificate.findUniqueOrThrow({ where: { id: active.id } })).state).toBe("ACTIVE");
  });

  it("carries the list of allowed sealers over to the successor", async () => {
    const first = await enrol("ACTIVE");
    const second = await enrol();
    await setCertificateSealers(
      t.db,
      adam,
      { certificateId: first.id, restricted: true, userIds: [sam.userId] },
      request,
    );
    await submitGovernedAction(
      t.db,
      olivia,
      { kind: "certificate.rotate", certificateId: first.id, successorId: second.id, reason: "Renewal" },
      request,
    );
    const successor = await t.db.signingCertificate.findUniqueOrThrow({
      where: { id: second.id },
      include: { sealers: true },
    });
    expect(successor.restrictSealers).toBe(true);
    expect(successor.sealers.map((s) => s.userId)).toEqual([sam.userId]);
  });
});

describe("revocation", () => {
  it("refuses later seals, keeps earlier ones valid at the time, and records reason and effective time", async () => {
    const certificate = await enrol("ACTIVE");
    const before = await sealWith(olivia, certificate.id);
    await expect(
      submitGovernedAction(
        t.db,
        adam,
        { kind: "certificate.revoke", certificateId: certificate.id, reasonCode: 7 as 0 },
        request,
      ),
    ).rejects.toThrow("RFC 5280");
    await expect(
      submitGovernedAction(
        t.db,
        adam,
        {
          kind: "certificate.revoke",
          certificateId: certificate.id,
          reasonCode: 1,
          effectiveAt: new Date(Date.now() + 3_600_000).toISOString(),
        },
        request,
      ),
    ).rejects.toThrow("cannot take effect in the future");
    await submitGovernedAction(
      t.db,
      adam,
      { kind: "certificate.revoke", certificateId: certificate.id, reasonCode: 5, comment: "Office closed" },
      request,
    );

    const row = await t.db.signingCertificate.findUniqueOrThrow({ where: { id: certificate.id } });
    expect(row).toMatchObject({ state: "REVOKED", revocationReason: 5 });
    const revoked = (await entries("certificate.revoked")).at(-1);
    expect(revoked?.data).toMatchObject({
      sha256: certificate.sha256,
      reasonCode: 5,
      reasonName: "cessationOfOperation",
      comment: "Office closed",
      stateBefore: "ACTIVE",
      sealsAfterEffectiveTime: 0,
    });

    await expect(sealWith(olivia, certificate.id)).rejects.toThrow(/revoked/);
    const refusal = (await entries("seal.refused")).at(-1);
    expect(refusal?.data).toMatchObject({ certificateId: certificate.id });
    await expect(
      submitGovernedAction(
        t.db,
        adam,
        { kind: "certificate.revoke", certificateId: certificate.id, reasonCode: 1 },
        request,
      ),
    ).rejects.toThrow("already revoked");

    const seal = await t.db.seal.findUniqueOrThrow({ where: { id: before.sealId } });
    const timeline = await certificateTimeline(t.db, orgId, certificate.id);
    expect(certificateStatusAt(timeline, row, seal.sealedAt).status).toBe("active");
    expect(certificateStatusAt(timeline, row, new Date())).toMatchObject({
      status: "revoked",
      revocationReason: "cessationOfOperation",
    });
  });

  it("a backdated revocation applies from its effective time", async () => {
    const certificate = await enrol("ACTIVE");
    const sealed = await sealWith(olivia, certificate.id);
    const sealedAt = (await t.db.seal.findUniqueOrThrow({ where: { id: sealed.sealId } })).sealedAt;
    const effectiveAt = new Date(sealedAt.getTime() - 1000).toISOString();
    await submitGovernedAction(
      t.db,
      adam,
      { kind: "certificate.revoke", certificateId: certificate.id, reasonCode: 1, effectiveAt },
      request,
    );
    const revoked = (await entries("certificate.revoked")).at(-1);
    expect(revoked?.data).toMatchObject({ effectiveAt, reasonName: "keyCompromise", sealsAfterEffectiveTime: 1 });
    const row = await t.db.signingCertificate.findUniqueOrThrow({ where: { id: certificate.id } });
    expect(certificateStatusAt(await certificateTimeline(t.db, orgId, certificate.id), row, sealedAt).status).toBe(
      "revoked",
    );
  });
});

describe("destroying a key", () => {
  it("erases a platform key's ciphertext; the certificate stays and old seals verify", async () => {
    const { keyId: doomed } = await createPlatformKey(
      t.db,
      olivia,
      { label: "Doomed", algorithm: "EC-P256" },
      master,
      request,
    );
    const certificate = await enrol("ACTIVE", doomed);
    const sealed = await sealWith(olivia, certificate.id);
    expect(await t.db.platformKeyMaterial.count({ where: { keyId: doomed } })).toBe(1);
    await expect(
      submitGovernedAction(t.db, adam, { kind: "key.destroy", keyId: doomed, reason: "" }, request),
    ).rejects.toThrow("reason");
    await submitGovernedAction(t.db, adam, { kind: "key.destroy", keyId: doomed, reason: "Engineer retired" }, request);

    expect(await t.db.platformKeyMaterial.count({ where: { keyId: doomed } })).toBe(0);
    const key = await t.db.signingKey.findUniqueOrThrow({ where: { id: doomed } });
    expect(key.state).toBe("DESTROYED");
    expect(await t.db.signingCertificate.count({ where: { id: certificate.id } })).toBe(1);
    await expect(keyBackendFor(t.db, orgId, doomed, master)).rejects.toThrow("destroyed");
    await expect(sealWith(olivia, certificate.id)).rejects.toThrow(/destroyed/);
    const destroyed = (await entries("key.destroyed")).at(-1);
    expect(destroyed?.data).toMatchObject({
      method: "ciphertext erased",
      reason: "Engineer retired",
      certificates: [{ id: certificate.id, sha256: certificate.sha256 }],
    });
    const report = await verifyPdf(new Uint8Array(await sealedBytes(olivia, sealed.sealId)), {
      trustAnchors: [rootPem],
    });
    expect(report.summary.exitCode).toBe(0);
    await expect(
      submitGovernedAction(t.db, adam, { kind: "key.destroy", keyId: doomed, reason: "Again" }, request),
    ).rejects.toThrow("already destroyed");
  });

  it("forgets a KMS key's reference", async () => {
    const kms = await t.db.signingKey.create({
      data: {
        orgId,
        label: "Customer KMS",
        backend: "AWS_KMS",
        algorithm: "EC-P256",
        publicKey: Buffer.from("spki"),
        publicKeySha256: "00",
        kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/abc",
        kmsRegion: "eu-west-1",
        createdById: olivia.userId,
      },
    });
    await submitGovernedAction(t.db, olivia, { kind: "key.destroy", keyId: kms.id, reason: "Grant removed" }, request);
    const after = await t.db.signingKey.findUniqueOrThrow({ where: { id: kms.id } });
    expect(after).toMatchObject({ state: "DESTROYED", kmsKeyArn: null, kmsRegion: null });
    expect((await entries("key.destroyed")).at(-1)?.data).toMatchObject({
      method: "key reference forgotten",
      backend: "AWS_KMS",
    });
  });
});

describe("separation of duties", () => {
  it("signers and auditors cannot manage certificates; an admin without the signer role cannot seal", async () => {
    const certificate = await enrol();
    for (const who of [sam, aud]) {
      await expect(
        submitGovernedAction(t.db, who, { kind: "certificate.activate", certificateId: certificate.id }, request),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        submitGovernedAction(t.db, who, { kind: "key.destroy", keyId, reason: "not allowed" }, request),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    await submitGovernedAction(t.db, adam, { kind: "certificate.activate", certificateId: certificate.id }, request);
    await expect(sealWith(adam, certificate.id)).rejects.toThrow("Only members with the signer role");
  });

  it("a certificate with a list of sealers seals only for the members on it", async () => {
    const certificate = await enrol("ACTIVE");
    await expect(
      setCertificateSealers(
        t.db,
        adam,
        { certificateId: certificate.id, restricted: true, userIds: [adam.userId] },
        request,
      ),
    ).rejects.toThrow("signer role");
    await expect(
      setCertificateSealers(t.db, adam, { certificateId: certificate.id, restricted: true, userIds: [] }, request),
    ).rejects.toThrow("at least one");
    await setCertificateSealers(
      t.db,
      adam,
      { certificateId: certificate.id, restricted: true, userIds: [sam.userId] },
      request,
    );

    expect((await listSealingCertificates(t.db, olivia)).map((c) => c.id)).not.toContain(certificate.id);
    expect((await listSealingCertificates(t.db, sam)).map((c) => c.id)).toContain(certificate.id);
    const refused = sealWith(olivia, certificate.id);
    await expect(refused).rejects.toBeInstanceOf(SealingError);
    await expect(refused).rejects.toThrow("not among the members allowed");
    await sealWith(sam, certificate.id);

    const changed = (await entries("certificate.sealers_changed")).at(-1);
    expect(changed?.data).toMatchObject({
      before: { restricted: false, userIds: [] },
      after: { restricted: true, userIds: [sam.userId] },
    });
    await setCertificateSealers(t.db, adam, { certificateId: certificate.id, restricted: false, userIds: [] }, request);
    expect((await listSealingCertificates(t.db, olivia)).map((c) => c.id)).toContain(certificate.id);
  });
});

describe("what needs attention", () => {
  it("an administrator sees certificates expiring within 30 days and requests waiting for them; a signer sees nothing", async () => {
    const soon = await enrolTestCertificate(t.db, {
      orgId,
      keyId,
      createdById: olivia.userId,
      state: "ACTIVE",
      subject: "/CN=Expiring soon",
      days: 10,
    });
    const attention = await lifecycleAttention(t.db, adam);
    expect(attention.expiring.find((c) => c.id === soon.id)).toMatchObject({ daysLeft: 9 });
    expect(
      (await certificateOverview(t.db, adam)).find((r) => r.kind === "certificate" && r.id === soon.id),
    ).toMatchObject({ expiryWarning: true });
    expect(await lifecycleAttention(t.db, sam)).toEqual({ expiring: [], waitingForYou: 0 });
  });
});

describe("the certificate's timeline", () => {
  it("lists its lifecycle entries in order and the chain stays intact", async () => {
    const first = await enrol();
    const second = await enrol();
    await submitGovernedAction(t.db, adam, { kind: "certificate.activate", certificateId: first.id }, request);
    await submitGovernedAction(
      t.db,
      adam,
      { kind: "certificate.rotate", certificateId: first.id, successorId: second.id, reason: "Renewal" },
      request,
    );
    await submitGovernedAction(
      t.db,
      adam,
      { kind: "certificate.revoke", certificateId: first.id, reasonCode: 4 },
      request,
    );
    const timeline = await certificateTimeline(t.db, orgId, first.id);
    expect(timeline.map((e) => e.action)).toEqual([
      "certificate.activated",
      "certificate.rotated",
      "certificate.revoked",
    ]);
    expect(await certificateTimeline(t.db, other.orgId, first.id)).toEqual([]);
    expect(await certificateDetails(t.db, other, first.id)).toBeNull();
    const details = await certificateDetails(t.db, adam, first.id);
    expect(details).toMatchObject({ state: "revoked", successor: { id: second.id } });
    expect(details?.timeline.map((e) => e.actor)).toEqual(["Adam Admin", "Adam Admin", "Adam Admin"]);
    const overview = await certificateOverview(t.db, adam);
    expect(overview.find((r) => r.kind === "certificate" && r.id === second.id)).toMatchObject({
      state: "active",
      seals: 0,
    });
    expect((await verifyChain(t.db, `org:${orgId}`)).valid).toBe(true);
  });
});
