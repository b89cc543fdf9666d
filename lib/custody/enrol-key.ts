import { randomUUID } from "node:crypto";
import { z } from "zod";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { OrgContext } from "@/lib/access/org-context";
import type { Db, Tx } from "@/lib/db/client";
import { createCsr } from "@/lib/engine/enrolment";
import type { CsrSubjectInput } from "@/lib/engine/enrolment";
import { importPkcs12 } from "@/lib/engine/enrolment";
import { parseCertificateUpload } from "@/lib/engine/enrolment";
import type { EnrolmentValidation } from "@/lib/engine/enrolment";
import { validateForEnrolment } from "@/lib/engine/enrolment";
import { zeroize } from "@/lib/engine/enrolment";
import { isSignetError, SignetError } from "@/lib/engine/errors";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { toPem, type Certificate } from "@/lib/engine/pki";
import { CustodyError } from "@/lib/custody/custody-errors";
import { withKeyBackend } from "@/lib/custody/key-backends";
import { assertLabelFree, keyLabelSchema, storePlatformKey } from "@/lib/custody/platform-keys";

/** A certificate the enrolment checks refused: every failed check, each with its own message. */
export class EnrolmentRejectedError extends SignetError {
  readonly failures: EnrolmentValidation["failures"];
  constructor(validation: EnrolmentValidation) {
    super(
      "enrolment.rejected",
      `This certificate cannot be used for sealing: ${validation.failures.map((f) => f.message).join(" ")}`,
      { status: 422 },
    );
    this.failures = validation.failures;
  }
}

async function keyOf(db: Db | Tx, orgId: string, keyId: string) {
  const key = await db.signingKey.findFirst({ where: { id: keyId, orgId } });
  if (key === null)
    throw new CustodyError("custody.key_not_found", "That signing key was not found in this organisation.", {
      status: 404,
    });
  if (key.state === "DESTROYED")
    throw new CustodyError("custody.key_destroyed", `The key "${key.label}" was destroyed.`, { status: 409 });
  return key;
}

/** Audits a failure that changed nothing, in its own transaction, then rethrows it. */
async function auditAndRethrow(
  db: Db,
  ctx: OrgContext,
  action: "certificate.rejected" | "key.backend_error",
  subjectId: string | undefined,
  error: unknown,
  request: RequestMeta,
): Promise<never> {
  if (isSignetError(error)) {
    await db.$transaction((tx) =>
      appendAudit(tx, {
        orgId: ctx.orgId,
        actorId: ctx.userId,
        action,
        subjectType: "signing_key",
        subjectId,
        data: { code: error.code, message: error.message },
        request,
      }),
    );
  }
  throw error;
}

/**
 * A PKCS#10 request for a key, signed by whichever backend holds it (platform, AWS KMS,
 * PKCS#11). The PEM is stored for download and the request audited.
 */
export async function createCertificateRequest(
  db: Db,
  ctx: OrgContext,
  keyId: string,
  subject: CsrSubjectInput,
  masterKey: MasterKey,
  request: RequestMeta,
): Promise<{ requestId: string; pem: string }> {
  const key = await keyOf(db, ctx.orgId, keyId);
  let pem: string;
  try {
    pem = (await withKeyBackend(db, ctx.orgId, keyId, masterKey, (backend) => createCsr({ subject, backend }))).pem;
  } catch (error) {
    return auditAndRethrow(db, ctx, "key.backend_error", key.id, error, request);
  }
  const requestId = randomUUID();
  await db.$transaction(async (tx) => {
    await tx.certificateSigningRequest.create({
      data: {
        id: requestId,
        orgId: ctx.orgId,
        keyId,
        subject: JSON.parse(JSON.stringify(subject)),
        pem,
        createdById: ctx.userId,
      },
    });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "csr.created",
      subjectType: "signing_key",
      subjectId: keyId,
      data: { requestId, subject: JSON.parse(JSON.stringify(subject)) },
      request,
    });
  });
  return { requestId, pem };
}

export async function certificateRequestPem(
  db: Db,
  ctx: OrgContext,
  requestId: string,
): Promise<{ pem: string; label: string }> {
  const csr = await db.certificateSigningRequest.findFirst({
    where: { id: requestId, orgId: ctx.orgId },
    include: { key: { select: { label: true } } },
  });
  if (csr === null)
    throw new CustodyError(
      "custody.certificate_not_found",
      "That certificate request was not found in this organisation.",
      { status: 404 },
    );
  return { pem: csr.pem, label: csr.key.label };
}

async function policyOf(db: Db | Tx, orgId: string) {
  const org = await db.organization.findUniqueOrThrow({
    where: { id: orgId },
    select: { allowSelfSignedCertificates: true },
  });
  return { allowSelfSigned: org.allowSelfSignedCertificates };
}

/**
 * The CA-issued certificate (PEM or DER, with its chain) for a pending key — or a certificate
 * registered for a KMS or HSM key. It must match the key and pass every enrolment check; a
 * refusal lists each failed check and is audited. Stored INACTIVE until an admin activates it.
 */
export async function uploadCertificate(
  db: Db,
  ctx: OrgContext,
  keyId: string,
  file: Uint8Array | string,
  request: RequestMeta,
  now = new Date(),
): Promise<{ certificateId: string; testing: boolean }> {
  const key = await keyOf(db, ctx.orgId, keyId);
  let leaf: Certificate;
  let chain: Certificate[];
  let validation: EnrolmentValidation;
  try {
    ({ leaf, chain } = parseCertificateUpload(file, { spki: new Uint8Array(key.publicKey) }));
    validation = validateForEnrolment({
      leaf,
      chain,
      spki: new Uint8Array(key.publicKey),
      now,
      policy: await policyOf(db, ctx.orgId),
    });
    if (!validation.ok) throw new EnrolmentRejectedError(validation);
  } catch (error) {
    return auditAndRethrow(db, ctx, "certificate.rejected", key.id, error, request);
  }
  return db.$transaction(async (tx) => {
    const certificateId = await storeCertificate(tx, ctx, key.id, leaf, chain, validation.testing);
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "certificate.uploaded",
      subjectType: "certificate",
      subjectId: certificateId,
      data: {
        keyId: key.id,
        sha256: leaf.fingerprintSha256,
        subject: leaf.subject,
        issuer: leaf.issuer,
        notAfter: leaf.notAfter.toISOString(),
        testing: validation.testing,
      },
      request,
    });
    return { certificateId, testing: validation.testing };
  });
}

async function storeCertificate(
  tx: Tx,
  ctx: OrgContext,
  keyId: string,
  leaf: Certificate,
  chain: readonly Certificate[],
  testing: boolean,
): Promise<string> {
  const existing = await tx.signingCertificate.findFirst({
    where: { orgId: ctx.orgId, sha256: leaf.fingerprintSha256 },
  });
  if (existing !== null)
    throw new CustodyError("custody.already_enrolled", "This certificate is already enrolled in this organisation.", {
      status: 409,
    });
  const certificateId = randomUUID();
  await tx.signingCertificate.create({
    data: {
      id: certificateId,
      orgId: ctx.orgId,
      keyId,
      der: Buffer.from(leaf.der),
      chainPem: chain.map((c) => toPem(c.der)).join(""),
      sha256: leaf.fingerprintSha256,
      subject: leaf.subject,
      issuer: leaf.issuer,
      serialHex: leaf.serialNumberHex,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
      selfSigned: testing,
      createdById: ctx.userId,
    },
  });
  return certificateId;
}

export const pkcs12InputSchema = z.object({ label: keyLabelSchema, password: z.string().max(1024) });

/**
 * Imports a PKCS#12: its certificate must pass the enrolment checks; its private key is
 * encrypted under the organisation's data key at once and the plaintext overwritten, so it never
 * reaches the database in the clear. A wrong password is a clear error, not an audit-less crash.
 */
export async function importPkcs12Key(
  db: Db,
  ctx: OrgContext,
  input: { label: string; password: string; file: Uint8Array },
  masterKey: MasterKey,
  request: RequestMeta,
  now = new Date(),
): Promise<{ keyId: string; certificateId: string }> {
  const { label, password } = pkcs12InputSchema.parse(input);
  await assertLabelFree(db, ctx.orgId, label);
  let imported: Awaited<ReturnType<typeof importPkcs12>>;
  try {
    imported = await importPkcs12({ file: input.file, password, policy: await policyOf(db, ctx.orgId), now });
    if (!imported.validation.ok) {
      zeroize(imported.pkcs8Der);
      throw new EnrolmentRejectedError(imported.validation);
    }
  } catch (error) {
    return auditAndRethrow(db, ctx, "certificate.rejected", undefined, error, request);
  }
  const keyId = randomUUID();
  try {
    return await db.$transaction(async (tx) => {
      const { publicKeySha256 } = await storePlatformKey(
        tx,
        ctx,
        { keyId, label, pkcs8: imported.pkcs8Der, spki: imported.spki },
        masterKey,
      );
      const certificateId = await storeCertificate(
        tx,
        ctx,
        keyId,
        imported.leaf,
        imported.chain,
        imported.validation.testing,
      );
      await appendAudit(tx, {
        orgId: ctx.orgId,
        actorId: ctx.userId,
        action: "key.imported",
        subjectType: "signing_key",
        subjectId: keyId,
        data: {
          label,
          source: "PKCS#12",
          publicKeySha256,
          certificateId,
          certificateSha256: imported.leaf.fingerprintSha256,
          testing: imported.validation.testing,
        },
        request,
      });
      return { keyId, certificateId };
    });
  } finally {
    zeroize(imported.pkcs8Der);
  }
}
