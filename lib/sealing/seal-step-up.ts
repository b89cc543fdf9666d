import { createHash, randomBytes } from "node:crypto";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { JsonValue } from "@/lib/audit/canonical-json";
import type { Db } from "@/lib/db/client";
import { ForbiddenError } from "@/lib/access/access-errors";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { findChallenge, storeChallenge } from "@/lib/auth/passkeys/auth-challenges";
import { StepUpError, type StepUpErrorCode } from "@/lib/auth/step-up/step-up-errors";
import {
  offerStepUpFactors,
  verifyStepUpAnswer,
  type ConsumedStepUp,
  type StepUpOptions,
} from "@/lib/auth/step-up/step-up-factors";
import { readStepUpAnswer, type StepUpMethod, type StepUpResponse } from "@/lib/auth/step-up/step-up-response";
import { sealManifestHash, sealManifestSchema, type SealManifest } from "@/lib/sealing/seal-manifest";

/**
 * The sealing step-up: a challenge bound to a SealManifest (this user, organisation, document
 * hashes, certificate, placements), single-use and short-lived, answered by a WebAuthn
 * assertion with user verification or a TOTP code (lib/auth/step-up checks the answer). The
 * sealing service is handed issue and consume as a SealStepUp, so its tests can use a fake.
 */
export const SEAL_STEP_UP_PURPOSE = "seal.step_up" as const;

export type IssuedStepUp = {
  challengeId: string;
  expiresAt?: Date;
  webauthn: PublicKeyCredentialRequestOptionsJSON | null;
  totpAllowed: boolean;
};

export type ConsumeSealStepUpInput = { challengeId: string; manifest: SealManifest; response: StepUpResponse };

export interface SealStepUp {
  issue(db: Db, ctx: OrgContext, manifest: SealManifest, request: RequestMeta): Promise<IssuedStepUp>;
  /** Verifies the response and consumes the challenge atomically; throws (and audits the refusal itself) when it does not hold. */
  consume(db: Db, ctx: OrgContext, input: ConsumeSealStepUpInput, request: RequestMeta): Promise<ConsumedStepUp>;
}

/**
 * The WebAuthn challenge of a step-up: base64url(SHA-256(nonce ‖ H)), where H is the 32 bytes
 * of sealManifestHash(manifest) and the nonce 32 random bytes. An assertion over it can only
 * ever authorise that manifest: these documents, this certificate, these placements.
 */
export function stepUpChallengeBytes(nonce: Uint8Array, manifestHash: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash("sha256").update(nonce).update(Buffer.from(manifestHash, "hex")).digest());
}

/**
 * Starts the sealing step-up for exactly `manifest`. The caller has authorised `ctx` (the
 * signer role is checked again here, from the database). Stores a single-use challenge bound
 * to user, organisation and manifest hash, valid five minutes, and audits step_up.issued with
 * the documents' hashes and the certificate. Refusals throw StepUpError and are audited.
 */
export async function issueSealStepUp(
  db: Db,
  ctx: OrgContext,
  manifest: SealManifest,
  request: RequestMeta,
  options: StepUpOptions = {},
): Promise<IssuedStepUp & { expiresAt: Date }> {
  const parsed = sealManifestSchema.parse(manifest);
  const refuse = (code: StepUpErrorCode) =>
    refuseStepUp(db, ctx, { code, method: null, credentialId: null, manifest: parsed, challengeId: null }, request);
  if (ctx.userId !== parsed.userId || ctx.orgId !== parsed.orgId) return refuse("step_up.wrong_user");
  if (!(await maySeal(db, ctx))) return refuse("step_up.forbidden");

  const manifestHash = sealManifestHash(parsed);
  const nonce = randomBytes(32);
  const challengeBytes = stepUpChallengeBytes(nonce, manifestHash);
  const challenge = Buffer.from(challengeBytes).toString("base64url");
  const { webauthn, totpAllowed } = await offerStepUpFactors(db, ctx, challengeBytes, options);
  if (webauthn === null && !totpAllowed) return refuse("step_up.no_method");

  return db.$transaction(async (tx) => {
    const stored = await storeChallenge(tx, {
      purpose: SEAL_STEP_UP_PURPOSE,
      challenge,
      userId: ctx.userId,
      orgId: ctx.orgId,
      manifestHash,
      manifest: parsed as unknown as JsonValue,
    });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "step_up.issued",
      subjectType: "step_up",
      subjectId: stored.id,
      data: {
        manifestHash,
        nonce: nonce.toString("hex"),
        certificateId: parsed.certificateId,
        documents: documentHashes(parsed),
        methods: { webauthn: webauthn !== null, totp: totpAllowed },
        expiresAt: stored.expiresAt.toISOString(),
      },
      request,
    });
    return { challengeId: stored.id, expiresAt: stored.expiresAt, webauthn, totpAllowed };
  });
}

/**
 * Checks and uses up a step-up; the caller seals only after this returns. The manifest must
 * hash to the one confirmed; the challenge must be this user's in this organisation, unused
 * and unexpired; then lib/auth/step-up checks the answer and consumes the challenge. Every
 * refusal throws StepUpError and appends seal.refused in its own transaction.
 */
export async function consumeSealStepUp(
  db: Db,
  ctx: OrgContext,
  input: ConsumeSealStepUpInput,
  request: RequestMeta,
  options: StepUpOptions = {},
): Promise<ConsumedStepUp> {
  const raw = input as unknown as { challengeId?: unknown; manifest?: unknown; response?: unknown };
  const answer = readStepUpAnswer(raw.response);
  const manifest = sealManifestSchema.safeParse(raw.manifest);
  const challengeId = z.string().uuid().safeParse(raw.challengeId);

  const refuse = (code: StepUpErrorCode, message?: string): Promise<never> =>
    refuseStepUp(
      db,
      ctx,
      {
        code,
        method: answer?.method ?? null,
        credentialId: answer?.credentialId ?? null,
        manifest: manifest.success ? manifest.data : null,
        challengeId: challengeId.success ? challengeId.data : null,
        message,
      },
      request,
    );

  if (answer === null) return refuse("step_up.bad_assertion");
  if (!manifest.success) return refuse("step_up.mismatch");
  if (!challengeId.success) return refuse("step_up.expired");
  if (ctx.userId !== manifest.data.userId || ctx.orgId !== manifest.data.orgId) return refuse("step_up.wrong_user");
  if (!(await maySeal(db, ctx))) return refuse("step_up.forbidden");

  const challenge = await findChallenge(db, challengeId.data, SEAL_STEP_UP_PURPOSE);
  if (challenge === null) return refuse("step_up.expired");
  if (challenge.userId !== ctx.userId || challenge.orgId !== ctx.orgId) return refuse("step_up.wrong_user");
  if (challenge.consumedAt !== null) return refuse("step_up.used");
  if (challenge.expired) return refuse("step_up.expired");
  if (challenge.manifestHash === null || sealManifestHash(manifest.data) !== challenge.manifestHash)
    return refuse("step_up.mismatch");

  const verdict = await verifyStepUpAnswer(db, ctx, challenge, SEAL_STEP_UP_PURPOSE, answer, options);
  if (!verdict.ok) return refuse(verdict.code, verdict.message);
  return { method: verdict.method, credentialId: verdict.credentialId };
}

async function maySeal(db: Db, ctx: OrgContext): Promise<boolean> {
  try {
    await authorize(db, ctx.userId, ctx.orgId, "documents.seal");
    return true;
  } catch (error) {
    if (error instanceof ForbiddenError) return false;
    throw error;
  }
}

function documentHashes(manifest: SealManifest): { documentId: string; sha256: string }[] {
  return manifest.documents.map((d) => ({ documentId: d.documentId, sha256: d.sha256 }));
}

type Refusal = {
  code: StepUpErrorCode;
  method: StepUpMethod | null;
  credentialId: string | null;
  manifest: SealManifest | null;
  challengeId: string | null;
  message?: string;
};

/** Appends seal.refused (in its own transaction, so it stays whatever the caller does next) and throws. */
async function refuseStepUp(db: Db, ctx: OrgContext, refusal: Refusal, request: RequestMeta): Promise<never> {
  await db.$transaction((tx) =>
    appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "seal.refused",
      subjectType: "step_up",
      subjectId: refusal.challengeId ?? undefined,
      data: {
        stage: "step_up",
        reason: refusal.code,
        method: refusal.method,
        credentialId: refusal.credentialId,
        challengeId: refusal.challengeId,
        certificateId: refusal.manifest?.certificateId ?? null,
        documents: refusal.manifest === null ? [] : documentHashes(refusal.manifest),
      },
      request,
    }),
  );
  throw new StepUpError(refusal.code, refusal.message);
}
