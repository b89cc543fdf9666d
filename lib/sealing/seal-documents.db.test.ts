import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { enrolTestCertificate } from "@/test/support/certificate-enrolment";
import { corpusFiles } from "@/test/support/pdf-corpus";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { verifyChain } from "@/lib/audit/verify-chain";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import { keyBackendFor } from "@/lib/custody/key-backends";
import { DocumentNotFoundError } from "@/lib/documents/document-errors";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { listDocuments } from "@/lib/documents/list-documents";
import { openSealed, sealedFilesOfBatch } from "@/lib/documents/open-document";
import { uploadDocument } from "@/lib/documents/upload-document";
import { CustodyError } from "@/lib/custody/custody-errors";
import { KmsError } from "@/lib/engine/keys/aws-kms/kms-errors";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import type { KeyBackend, SignRequest } from "@/lib/engine/keys/key-backend";
import { Pkcs11Error } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
import { PlatformKeyError } from "@/lib/engine/keys/platform/platform-key-errors";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import { prepareSeal } from "@/lib/sealing/prepare-seal";
import { sealDocuments } from "@/lib/sealing/seal-documents";
import { sealProgress } from "@/lib/sealing/seal-progress";
import type { SealRequestInput } from "@/lib/sealing/seal-request";
import type { StepUpResponse } from "@/lib/auth/step-up/step-up-response";
import { SealingError } from "@/lib/sealing/sealing-errors";
import { listSealingCertificates } from "@/lib/sealing/sealing-certificates";
import { FakeStepUp } from "@/test/support/fake-step-up";
import { signetMetrics } from "@/lib/metrics/signet-metrics";

const request = { ip: "198.51.100.4", userAgent: "vitest" };
const master = new LocalMasterKey(randomBytes(32).toString("base64"));
const dir = mkdtempSync(path.join(tmpdir(), "signet-sealing-"));
const store = new LocalDocumentStore(dir);
const stepUp = new FakeStepUp();
const deps = { stepUp, masterKey: master };

/** The real key backends, with `sign` replaced (to fail, count or pass through). */
const signingWith =
  (sign: (real: KeyBackend, request: SignRequest) => Promise<Uint8Array>): typeof keyBackendFor =>
  async (...args) => {
    const real = await keyBackendFor(...args);
    return {
      description: real.description,
      keyAlgorithm: () => real.keyAlgorithm(),
      publicKey: () => real.publicKey(),
      sign: (r) => sign(real, r),
    };
  };

let t: TestDatabase;
let olivia: OrgContext; // OWNER + SIGNER
let adam: OrgContext; // ADMIN only
let bea: OrgContext; // signer of another organisation
let certificateId: string;
let inactiveCertificateId: string;
let rootPem: string;
/** Twenty small corpus files that seal. */
const sealable = corpusFiles()
  .filter((f) => f.expected === "seal-ok")
  .map((f) => ({ f, size: readFileSync(f.path).length }))
  .sort((a, b) => a.size - b.size)
  .slice(0, 20)
  .map(({ f }) => f);

async function member(orgId: string, name: string, roles: Role[]): Promise<OrgContext> {
  const user = await t.db.user.create({
    data: { email: `${name.toLowerCase().replace(/\W+/g, ".")}@example.test`, name, passwordHash: "x" },
  });
  await t.db.membership.create({ data: { userId: user.id, orgId, roles } });
  return authorize(t.db, user.id, orgId, "organisation.view");
}

async function uploadCorpus(ctx: OrgContext, f: (typeof sealable)[number]): Promise<string> {
  const outcome = await uploadDocument(
    t.db,
    store,
    ctx,
    { fileName: path.basename(f.path), body: [readFileSync(f.path)] },
    200 * 1024 * 1024,
    request,
  );
  if (!outcome.accepted) throw new Error(`${f.id} was refused: ${outcome.message}`);
  return outcome.document.id;
}

const stamp = { page: 1, rect: { x: 24, y: 24, width: 180, height: 72 } };
const passkey = (id = "cred-olivia-1"): StepUpResponse => ({
  kind: "webauthn",
  assertion: {
    id,
    rawId: id,
    type: "public-key",
    response: {},
    clientExtensionResults: {},
  } as unknown as AuthenticationResponseJSON,
});

function requestFor(
  documentIds: string[],
  certificate = certificateId,
  placement: typeof stamp | null = stamp,
): SealRequestInput {
  return {
    certificateId: certificate,
    reason: "Approved for construction",
    location: "Ghent",
    documents: documentIds.map((documentId) => ({ documentId, placement })),
  };
}

/** What GET /metrics would show now: seals by outcome, and how many seals and signatures were timed, for platform keys. */
async function platformMetrics() {
  const m = signetMetrics();
  const value = async (
    metric: { get(): Promise<{ values: { value: number; labels: object; metricName?: string }[] }> },
    labels: object,
    name?: string,
  ) =>
    (await metric.get()).values.find(
      (v) =>
        (name === undefined || v.metricName === name) &&
        Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
    )?.value ?? 0;
  return {
    sealed: await value(m.seals, { backend: "platform", outcome: "sealed" }),
    failed: await value(m.seals, { backend: "platform", outcome: "failed" }),
    timedSeals: await value(m.sealSeconds, { backend: "platform" }, "signet_seal_duration_seconds_count"),
    timedSignatures: await value(m.signSeconds, { backend: "platform" }, "signet_key_sign_duration_seconds_count"),
  };
}

async function auditActions(ctx: OrgContext, action: string) {
  return t.db.auditEntry.findMany({ where: { orgId: ctx.orgId, action }, orderBy: { seq: "asc" } });
}

beforeAll(async () => {
  t = await createTestDatabase();
  const alpha = await t.db.organization.create({ data: { name: "Alpha Structural" } });
  const beta = await t.db.organization.create({ data: { name: "Beta Surveys" } });
  olivia = await member(alpha.id, "Olivia Owner", [Role.OWNER, Role.SIGNER]);
  adam = await member(alpha.id, "Adam Admin", [Role.ADMIN]);
  bea = await member(beta.id, "Bea Signer", [Role.SIGNER]);
  const { keyId } = await createPlatformKey(
    t.db,
    olivia,
    { label: "Seal 2027", algorithm: "EC-P256" },
    master,
    request,
  );
  const active = await enrolTestCertificate(t.db, {
    orgId: alpha.id,
    keyId,
    createdById: olivia.userId,
    subject: "/C=BE/O=Alpha Structural/CN=Olivia Owner",
  });
  certificateId = active.id;
  rootPem = active.pki.root.certPem;
  inactiveCertificateId = (
    await enrolTestCertificate(t.db, { orgId: alpha.id, keyId, createdById: olivia.userId, state: "INACTIVE" })
  ).id;
}, 180_000);
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("sealing a batch", () => {
  it("offers only active certificates whose key exists", async () => {
    const choices = await listSealingCertificates(t.db, olivia);
    expect(choices.map((c) => c.id)).toEqual([certificateId]);
    expect(choices[0]).toMatchObject({ keyLabel: "Seal 2027", subject: expect.stringContaining("Olivia Owner") });
  });

  it("seals all 20 documents of a batch under one step-up; each output verifies and keeps its original as a prefix", async () => {
    const ids: string[] = [];
    for (const f of sealable) ids.push(await uploadCorpus(olivia, f));
    const issuedBefore = stepUp.issued;
    const consumedBefore = stepUp.consumed;

    const prepared = await prepareSeal(t.db, store, olivia, requestFor(ids), stepUp, request);
    expect(prepared.documents).toHaveLength(20);
    expect(prepared.webauthn?.userVerification).toBe("required");
    const outcome = await sealDocuments(
      t.db,
      store,
      olivia,
      { challengeId: prepared.challengeId, request: requestFor(ids), response: passkey() },
      deps,
      request,
    );

    expect(stepUp.issued - issuedBefore).toBe(1);
    expect(stepUp.consumed - consumedBefore).toBe(1);
    expect(outcome.documents.map((d) => d.status)).toEqual(Array(20).fill("SEALED"));
    expect(outcome.stepUp).toEqual({ method: "webauthn", credentialId: "cred-olivia-1" });

    const batch = await t.db.sealBatch.findUniqueOrThrow({ where: { id: outcome.batchId }, include: { seals: true } });
    expect(batch).toMatchObject({
      challengeId: prepared.challengeId,
      stepUpMethod: "webauthn",
      credentialId: "cred-olivia-1",
      sealedById: olivia.userId,
      certificateId,
    });
    expect(batch.finishedAt).not.toBeNull();
    expect(batch.seals).toHaveLength(20);

    for (const [i, id] of ids.entries()) {
      const original = readFileSync(sealable[i]!.path);
      const document = await t.db.document.findUniqueOrThrow({ where: { id } });
      expect(document.status).toBe("SEALED");
      const seal = batch.seals.find((s) => s.documentId === id)!;
      const sealed = await store.get(seal.storageKey);
      expect(
        Buffer.from(sealed.subarray(0, original.length)).equals(original),
        `${sealable[i]!.id}: the original is a prefix`,
      ).toBe(true);
      expect(seal.size).toBe(sealed.length);
      const report = await verifyPdf(sealed, { trustAnchors: [rootPem] });
      const ours = report.signatures[report.signatures.length - 1]!;
      expect(ours.verdict, `${sealable[i]!.id}: ${ours.reason}`).toBe("valid");
      expect(ours.fieldName).toBe(seal.fieldName);
      expect(ours.signer?.fingerprintSha256).toBe(seal.certificateSha256);
      expect(report.summary.modifiedAfterLastSignature).toBe(false);
    }

    const created = (await auditActions(olivia, "seal.created")).filter(
      (e) => (e.data as { batchId?: string }).batchId === outcome.batchId,
    );
    expect(created).toHaveLength(20);
    const first = created[0]!.data as Record<string, unknown>;
    const firstSeal = batch.seals.find((s) => s.documentId === created[0]!.subjectId)!;
    expect(first).toMatchObject({
      stepUpMethod: "webauthn",
      credentialId: "cred-olivia-1",
      certificateSha256: firstSeal.certificateSha256,
      sha256After: firstSeal.sealedSha256,
      placement: stamp,
    });
    expect(first.sha256Before).toMatch(/^[0-9a-f]{64}$/);

    // Results: the list says who sealed, when and with which certificate; downloads are named -sealed.pdf.
    const listed = await listDocuments(t.db, olivia, { ids });
    expect(
      listed.every(
        (d) =>
          d.status === "SEALED" &&
          d.seal?.sealedByName === "Olivia Owner" &&
          d.seal.certificateSubject.includes("Olivia Owner"),
      ),
    ).toBe(true);
    const download = await openSealed(t.db, store, olivia, ids[0]!);
    expect(download.fileName).toMatch(/-sealed\.pdf$/);
    await download.body.cancel();
    expect((await sealedFilesOfBatch(t.db, olivia, outcome.batchId)).map((f) => f.fileName)).toHaveLength(20);
    const progress = await sealProgress(t.db, olivia, prepared.challengeId, ids);
    expect(progress).toMatchObject({ batchId: outcome.batchId, finished: true });
    expect(progress.documents.every((d) => d.status === "SEALED")).toBe(true);

    // Another organisation's signer gets none of it.
    await expect(openSealed(t.db, store, bea, ids[0]!)).rejects.toBeInstanceOf(DocumentNotFoundError);
    await expect(sealedFilesOfBatch(t.db, bea, outcome.batchId)).rejects.toBeInstanceOf(DocumentNotFoundError);
    expect((await sealProgress(t.db, bea, prepared.challengeId, ids)).documents).toEqual([]);
  });

  it("a document that fails is reported and audited; the others of the batch are sealed", async () => {
    const ids = [
      await uploadCorpus(olivia, sealable[0]!),
      await uploadCorpus(olivia, sealable[1]!),
      await uploadCorpus(olivia, sealable[2]!),
    ];
    const prepared = await prepareSeal(t.db, store, olivia, requestFor(ids), stepUp, request);
    const metricsBefore = await platformMetrics();
    // The stored original of the middle one is damaged after the step-up was asked for.
    const broken = await t.db.document.findUniqueOrThrow({ where: { id: ids[1]! } });
    writeFileSync(path.join(dir, broken.storageKey.slice(0, 2), broken.storageKey), "%PDF-1.4\nnot what was uploaded");

    const outcome = await sealDocuments(
      t.db,
      store,
      olivia,
      { challengeId: prepared.challengeId, request: requestFor(ids), response: { kind: "totp", code: "123456" } },
      deps,
      request,
    );
    expect(outcome.documents.map((d) => d.status)).toEqual(["SEALED", "FAILED", "SEALED"]);
    expect(outcome.documents[1]).toMatchObject({ failure: expect.stringContaining("no longer matches") });
    expect(await t.db.document.findUniqueOrThrow({ where: { id: ids[1]! } })).toMatchObject({
      status: "FAILED",
      failure: expect.stringContaining("no longer matches"),
    });
    const failed = (await auditActions(olivia, "seal.failed")).filter((e) => e.subjectId === ids[1]);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data).toMatchObject({
      batchId: outcome.batchId,
      stepUpMethod: "totp",
      credentialId: null,
      reason: "sealing.document_unavailable",
    });
    expect(await t.db.seal.count({ where: { batchId: outcome.batchId } })).toBe(2);
    // GET /metrics: two seals and one failure of a platform key; the two seals and their two signatures were timed.
    const metricsAfter = await platformMetrics();
    expect({
      sealed: metricsAfter.sealed - metricsBefore.sealed,
      failed: metricsAfter.failed - metricsBefore.failed,
      timedSeals: metricsAfter.timedSeals - metricsBefore.timedSeals,
      timedSignatures: metricsAfter.timedSignatures - metricsBefore.timedSignatures,
    }).toEqual({ sealed: 2, failed: 1, timedSeals: 2, timedSignatures: 2 });
  });

  it("stops a batch when the key's backend refuses (KMS access denied): each document is reported, none lost", async () => {
    const ids = [await uploadCorpus(olivia, sealable[3]!), await uploadCorpus(olivia, sealable[4]!)];
    const prepared = await prepareSeal(t.db, store, olivia, requestFor(ids), stepUp, request);
    let calls = 0;
    const denied = {
      region: "eu-west-1",
      keyId: "arn:aws:kms:eu-west-1:111122223333:key/x",
      operation: "Sign" as const,
      awsErrorName: "AccessDeniedException",
    };
    const backendFor = signingWith(async () => {
      calls += 1;
      throw new KmsError("kms.access_denied", "AWS KMS denied Signet access to the key.", denied);
    });
    const outcome = await sealDocuments(
      t.db,
      store,
      olivia,
      { challengeId: prepared.challengeId, request: requestFor(ids), response: passkey() },
      { ...deps, backendFor },
      request,
    );
    expect(calls).toBe(1);
    expect(outcome.documents.map((d) => d.status)).toEqual(["FAILED", "FAILED"]);
    expect(outcome.documents[0]).toMatchObject({ failure: expect.stringContaining("denied") });
    expect(outcome.documents[1]).toMatchObject({ failure: expect.stringContaining("sealing stopped") });
    expect((await auditActions(olivia, "seal.failed")).filter((e) => ids.includes(e.subjectId ?? ""))).toHaveLength(2);
    const refusal = (await auditActions(olivia, "seal.refused")).at(-1)!;
    expect(refusal.data).toMatchObject({
      stage: "seal",
      reason: "kms.access_denied",
      batchId: outcome.batchId,
      documentIds: ids,
      stepUpMethod: "webauthn",
      credentialId: "cred-olivia-1",
    });
  });

  it.each([
    [
      "KMS throttled",
      () =>
        new KmsError("kms.throttled", "AWS KMS throttled the request.", {
          region: "eu-west-1",
          keyId: "arn:aws:kms:eu-west-1:111122223333:key/x",
          operation: "Sign",
        }),
    ],
    [
      "an HSM that fails",
      () =>
        new Pkcs11Error("pkcs11.device_error", "The PKCS#11 library failed; nothing was signed.", {
          modulePath: "/usr/lib/softhsm/libsofthsm2.so",
          operation: "C_Sign",
          ckr: "CKR_DEVICE_ERROR",
        }),
    ],
    [
      "a master key that no longer unwraps",
      () =>
        new PlatformKeyError(
          "master_key.mismatch",
          "A data key could not be unwrapped: the master key is not the one it was wrapped with.",
        ),
    ],
    [
      "key material erased during the batch",
      () =>
        new CustodyError(
          "custody.key_destroyed",
          "This key's private material no longer exists (it was destroyed); it cannot sign any more.",
          { status: 409 },
        ),
    ],
  ])(
    "stops a batch midway when the key fails (%s): what was sealed stays sealed, the rest is refused",
    async (_, failure) => {
      const ids = [
        await uploadCorpus(olivia, sealable[13]!),
        await uploadCorpus(olivia, sealable[14]!),
        await uploadCorpus(olivia, sealable[15]!),
      ];
      const prepared = await prepareSeal(t.db, store, olivia, requestFor(ids), stepUp, request);
      const error = failure();
      const metricsBefore = await platformMetrics();
      let documents = 0;
      const backendFor = signingWith(async (real, r) => {
        if (documents++ === 1) throw error;
        return real.sign(r);
      });
      // One attempt per document: a transient failure (KMS throttled, HSM device error) is retried while
      // attempts remain (see "retries a transient key failure" below); on the last attempt it stops the batch.
      const outcome = await sealDocuments(
        t.db,
        store,
        olivia,
        { challengeId: prepared.challengeId, request: requestFor(ids), response: passkey() },
        { ...deps, backendFor, maxAttempts: 1 },
        request,
      );
      expect(documents).toBe(2);
      expect(outcome.documents.map((d) => d.status)).toEqual(["SEALED", "FAILED", "FAILED"]);
      expect(outcome.documents[1]).toMatchObject({ failure: error.message });
      const stopped = `Not sealed: sealing stopped because the signing key could not be used (${error.message})`;
      expect(outcome.documents[2]).toMatchObject({ failure: stopped });
      const rows = new Map(
        (await t.db.document.findMany({ where: { id: { in: ids } } })).map((d) => [d.id, [d.status, d.failure]]),
      );
      expect(ids.map((id) => rows.get(id))).toEqual([
        ["SEALED", null],
        ["FAILED", error.message],
        ["FAILED", stopped],
      ]);
      const failed = (await auditActions(olivia, "seal.failed")).filter((e) => ids.includes(e.subjectId ?? ""));
      expect(failed.map((e) => [e.subjectId, (e.data as { reason: string }).reason])).toEqual([
        [ids[1], error.code],
        [ids[2], "sealing.stopped"],
      ]);
      const refusal = (await auditActions(olivia, "seal.refused")).at(-1)!;
      expect(refusal.data).toMatchObject({
        stage: "seal",
        reason: error.code,
        message: error.message,
        batchId: outcome.batchId,
        documentIds: ids.slice(1),
        stepUpMethod: "webauthn",
      });
      expect(await t.db.seal.count({ where: { batchId: outcome.batchId } })).toBe(1);
      // The document refused because the batch stopped counts as failed too.
      const metricsAfter = await platformMetrics();
      expect([metricsAfter.sealed - metricsBefore.sealed, metricsAfter.failed - metricsBefore.failed]).toEqual([1, 2]);
    },
  );

  it("goes on with the batch when a signature fails for a reason that is not the key's custody", async () => {
    const ids = [await uploadCorpus(olivia, sealable[16]!), await uploadCorpus(olivia, sealable[17]!)];
    const prepared = await prepareSeal(t.db, store, olivia, requestFor(ids), stepUp, request);
    const refusals = (await auditActions(olivia, "seal.refused")).length;
    let documents = 0;
    const backendFor = signingWith(async (real, r) => {
      if (documents++ === 0)
        throw new KeyError("key.digest_mismatch", "The digest handed to the key does not match the message to sign.");
      return real.sign(r);
    });
    const outcome = await sealDocuments(
      t.db,
      store,
      olivia,
      { challengeId: prepared.challengeId, request: requestFor(ids), response: passkey() },
      { ...deps, backendFor },
      request,
    );
    expect(outcome.documents.map((d) => d.status)).toEqual(["FAILED", "SEALED"]);
    expect(await auditActions(olivia, "seal.refused")).toHaveLength(refusals);
  });

  it("refuses, audits and seals nothing for a user without the signer role", async () => {
    const id = await uploadCorpus(olivia, sealable[5]!);
    const refusedBefore = (await auditActions(olivia, "seal.refused")).length;
    await expect(prepareSeal(t.db, store, adam, requestFor([id]), stepUp, request)).rejects.toMatchObject({
      code: "sealing.forbidden",
    });
    const prepared = await prepareSeal(t.db, store, olivia, requestFor([id]), stepUp, request);
    const consumedBefore = stepUp.consumed;
    await expect(
      sealDocuments(
        t.db,
        store,
        adam,
        { challengeId: prepared.challengeId, request: requestFor([id]), response: passkey() },
        deps,
        request,
      ),
    ).rejects.toBeInstanceOf(SealingError);
    expect(stepUp.consumed).toBe(consumedBefore);
    const refused = (await auditActions(olivia, "seal.refused")).slice(refusedBefore);
    expect(refused.map((e) => [e.actorId, (e.data as { reason: string }).reason])).toEqual([
      [adam.userId, "sealing.forbidden"],
      [adam.userId, "sealing.forbidden"],
    ]);
    expect(await t.db.document.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "UPLOADED" });
  });

  it("refuses an inactive certificate, and one of another organisation", async () => {
    const id = await uploadCorpus(olivia, sealable[6]!);
    await expect(
      prepareSeal(t.db, store, olivia, requestFor([id], inactiveCertificateId), stepUp, request),
    ).rejects.toThrow(/is inactive: only an active certificate can seal/);
    const prepared = await prepareSeal(t.db, store, olivia, requestFor([id]), stepUp, request);
    await t.db.signingCertificate.update({ where: { id: certificateId }, data: { state: "INACTIVE" } });
    try {
      await expect(
        sealDocuments(
          t.db,
          store,
          olivia,
          { challengeId: prepared.challengeId, request: requestFor([id]), response: passkey() },
          deps,
          request,
        ),
      ).rejects.toMatchObject({ code: "sealing.certificate_unusable" });
    } finally {
      await t.db.signingCertificate.update({ where: { id: certificateId }, data: { state: "ACTIVE" } });
    }
    const beaDocument = await uploadCorpus(bea, sealable[6]!);
    await expect(prepareSeal(t.db, store, bea, requestFor([beaDocument]), stepUp, request)).rejects.toThrow(
      "That certificate was not found in this organisation.",
    );
    const reasons = (await auditActions(olivia, "seal.refused")).map((e) => (e.data as { reason: string }).reason);
    expect(reasons.filter((r) => r === "sealing.certificate_unusable").length).toBeGreaterThanOrEqual(2);
    expect(await t.db.document.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "UPLOADED" });
  });

  it("refuses another organisation's document, whatever the step", async () => {
    const theirs = await uploadCorpus(bea, sealable[7]!);
    const mine = await uploadCorpus(olivia, sealable[7]!);
    await expect(prepareSeal(t.db, store, olivia, requestFor([mine, theirs]), stepUp, request)).rejects.toThrow(
      "A document of this batch was not found in this organisation.",
    );
    const prepared = await prepareSeal(t.db, store, olivia, requestFor([mine]), stepUp, request);
    await expect(
      sealDocuments(
        t.db,
        store,
        olivia,
        { challengeId: prepared.challengeId, request: requestFor([mine, theirs]), response: passkey() },
        deps,
        request,
      ),
    ).rejects.toMatchObject({ code: "sealing.document_unavailable" });
    expect(await t.db.document.findUniqueOrThrow({ where: { id: theirs } })).toMatchObject({ status: "UPLOADED" });
    expect(await t.db.seal.count({ where: { documentId: { in: [mine, theirs] } } })).toBe(0);
  });

  it("a step-up made for one set of documents cannot seal another, and is used once", async () => {
    const a = await uploadCorpus(olivia, sealable[8]!);
    const b = await uploadCorpus(olivia, sealable[9]!);
    const prepared = await prepareSeal(t.db, store, olivia, requestFor([a]), stepUp, request);
    await expect(
      sealDocuments(
        t.db,
        store,
        olivia,
        { challengeId: prepared.challengeId, request: requestFor([b]), response: passkey() },
        deps,
        request,
      ),
    ).rejects.toThrow(/another manifest/);
    // A different placement is a different manifest too.
    await expect(
      sealDocuments(
        t.db,
        store,
        olivia,
        {
          challengeId: prepared.challengeId,
          request: requestFor([a], certificateId, { page: 1, rect: { x: 30, y: 24, width: 180, height: 72 } }),
          response: passkey(),
        },
        deps,
        request,
      ),
    ).rejects.toThrow(/another manifest/);
    await sealDocuments(
      t.db,
      store,
      olivia,
      { challengeId: prepared.challengeId, request: requestFor([a]), response: passkey() },
      deps,
      request,
    );
    await expect(
      sealDocuments(
        t.db,
        store,
        olivia,
        { challengeId: prepared.challengeId, request: requestFor([a]), response: passkey() },
        deps,
        request,
      ),
    ).rejects.toThrow(/already sealed|already used/);
    expect(await t.db.document.findUniqueOrThrow({ where: { id: b } })).toMatchObject({ status: "UPLOADED" });
  });

  it("closes the key's backend after a batch, whether it sealed or the step-up was refused", async () => {
    let opened = 0;
    let closed = 0;
    const backendFor: typeof keyBackendFor = async (...args) => {
      const real = await keyBackendFor(...args);
      opened += 1;
      return {
        description: real.description,
        keyAlgorithm: () => real.keyAlgorithm(),
        publicKey: () => real.publicKey(),
        sign: (r) => real.sign(r),
        close: async () => void (closed += 1),
      };
    };
    const a = await uploadCorpus(olivia, sealable[11]!);
    const b = await uploadCorpus(olivia, sealable[12]!);
    const prepared = await prepareSeal(t.db, store, olivia, requestFor([a]), stepUp, request);
    await expect(
      sealDocuments(
        t.db,
        store,
        olivia,
        { challengeId: prepared.challengeId, request: requestFor([b]), response: passkey() },
        { ...deps, backendFor },
        request,
      ),
    ).rejects.toThrow(/another manifest/);
    expect([opened, closed]).toEqual([1, 1]);
    const outcome = await sealDocuments(
      t.db,
      store,
      olivia,
      { challengeId: prepared.challengeId, request: requestFor([a]), response: passkey() },
      { ...deps, backendFor },
      request,
    );
    expect(outcome.documents.map((d) => d.status)).toEqual(["SEALED"]);
    // Sealing is a job now: the request opens the key's backend once (to refuse an unusable key before the
    // step-up is consumed) and the worker that seals opens its own. Each is closed.
    expect([opened, closed]).toEqual([3, 3]);
  });

  it("refuses a stamp off the page before asking for the step-up", async () => {
    const id = await uploadCorpus(olivia, sealable[10]!);
    const issued = stepUp.issued;
    await expect(
      prepareSeal(
        t.db,
        store,
        olivia,
        requestFor([id], certificateId, { page: 1, rect: { x: 5000, y: 10, width: 180, height: 72 } }),
        stepUp,
        request,
      ),
    ).rejects.toMatchObject({ code: "sealing.bad_placement" });
    await expect(
      prepareSeal(
        t.db,
        store,
        olivia,
        requestFor([id], certificateId, { page: 999, rect: stamp.rect }),
        stepUp,
        request,
      ),
    ).rejects.toThrow(/has no page 999/);
    expect(stepUp.issued).toBe(issued);
  });

  it("keeps both audit chains intact", async () => {
    for (const ctx of [olivia, bea]) expect((await verifyChain(t.db, `org:${ctx.orgId}`)).valid).toBe(true);
  });
});
