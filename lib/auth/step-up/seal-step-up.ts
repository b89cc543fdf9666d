import { createHash, randomBytes } from "node:crypto";
import { generateAuthenticationOptions, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { appendAudit, type RequestMeta } from "../../audit/append-audit";
import type { JsonValue } from "../../audit/canonical-json";
import type { Db } from "../../db/client";
import { ForbiddenError } from "../../access/access-errors";
import { authorize, type OrgContext } from "../../access/org-context";
import { CHALLENGE_TTL_SECONDS, consumeChallenge, findChallenge, storeChallenge } from "../passkeys/auth-challenges";
import { splitTransports } from "../passkeys/passkey-registration";
import { relyingParty, type RelyingParty } from "../passkeys/relying-party";
import { recordPasskeyUse, verifyPasskeyAssertion } from "../passkeys/verify-assertion";
import { authenticationResponseSchema } from "../passkeys/webauthn-json";
import { totpKeyFromEnvironment, type TotpKey } from "../totp/secret-box";
import { checkTotpCode, claimTotpStep, totpStatus } from "../totp/totp-factor";
import { TotpError } from "../totp/totp-errors";
import { sealManifestHash, sealManifestSchema, type SealManifest } from "./seal-manifest";
import { StepUpError, type StepUpErrorCode } from "./step-up-errors";

export const SEAL_STEP_UP_PURPOSE = "seal.step_up" as const;

export type SealStepUpIssued = {
  challengeId: string;
  expiresAt: Date;
  /** Options for @simplewebauthn/browser's startAuthentication; null when the person has no passkey. */
  webauthn: PublicKeyCredentialRequestOptionsJSON | null;
  /** The organisation allows TOTP at the step-up and the person has a confirmed authenticator app. */
  totpAllowed: boolean;
};

export type StepUpResponse = { kind: "webauthn"; assertion: AuthenticationResponseJSON } | { kind: "totp"; code: string };
export type ConsumeSealStepUpInput = { challengeId: string; manifest: SealManifest; response: StepUpResponse };
export type StepUpMethod = "webauthn" | "totp";
export type SealStepUpResult = { method: StepUpMethod; credentialId: string | null };

/** For tests and unusual deployments; by default both come from the environment. */
export type StepUpOptions = { rp?: RelyingParty; totpKey?: TotpKey };

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
export async function issueSealStepUp(db: Db, ctx: OrgContext, manifest: SealManifest, request: RequestMeta, options: StepUpOptions = {}): Promise<SealStepUpIssued> {
  const parsed = sealManifestSchema.parse(manifest);
  const refuse = (code: StepUpErrorCode) => refuseStepUp(db, ctx, { code, method: null, credentialId: null, manifest: parsed, challengeId: null }, request);
  if (ctx.userId !== parsed.userId || ctx.orgId !== parsed.orgId) return refuse("step_up.wrong_user");
  if (!(await maySeal(db, ctx))) return refuse("step_up.forbidden");

  const [passkeys, org, totp] = await Promise.all([
    db.passkey.findMany({ where: { userId: ctx.userId }, select: { id: true, transports: true }, orderBy: { createdAt: "asc" } }),
    db.organization.findUniqueOrThrow({ where: { id: ctx.orgId }, select: { allowTotpStepUp: true } }),
    totpStatus(db, ctx.userId),
  ]);
  const totpAllowed = org.allowTotpStepUp && totp.enabled;
  if (passkeys.length === 0 && !totpAllowed) return refuse("step_up.no_method");

  const rp = options.rp ?? relyingParty();
  const manifestHash = sealManifestHash(parsed);
  const nonce = randomBytes(32);
  const challengeBytes = stepUpChallengeBytes(nonce, manifestHash);
  const challenge = Buffer.from(challengeBytes).toString("base64url");
  const webauthn =
    passkeys.length === 0
      ? null
      : await generateAuthenticationOptions({
          rpID: rp.id,
          challenge: challengeBytes,
          allowCredentials: passkeys.map((p) => ({ id: p.id, transports: splitTransports(p.transports) })),
          userVerification: "required",
          timeout: CHALLENGE_TTL_SECONDS * 1000,
        });
  if (webauthn !== null && webauthn.challenge !== challenge) throw new Error("the WebAuthn options do not carry the derived challenge");

  return db.$transaction(async (tx) => {
    const stored = await storeChallenge(tx, { purpose: SEAL_STEP_UP_PURPOSE, challenge, userId: ctx.userId, orgId: ctx.orgId, manifestHash, manifest: parsed as unknown as JsonValue });
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

const responseSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("webauthn"), assertion: z.unknown() }),
  z.object({ kind: z.literal("totp"), code: z.string() }),
]);

/**
 * Checks and uses up a step-up; the caller seals only after this returns. The manifest must
 * hash to the one confirmed; the challenge must be this user's in this organisation, unused
 * and unexpired; the assertion must verify (UV required) with one of the user's own passkeys,
 * or the TOTP code must be current and unused where TOTP is allowed. The challenge is then
 * consumed atomically (with the passkey counter or the TOTP step). Every refusal throws
 * StepUpError and appends seal.refused in its own transaction.
 */
export async function consumeSealStepUp(db: Db, ctx: OrgContext, input: ConsumeSealStepUpInput, request: RequestMeta, options: StepUpOptions = {}): Promise<SealStepUpResult> {
  const raw = input as unknown as { challengeId?: unknown; manifest?: unknown; response?: unknown };
  const response = responseSchema.safeParse(raw.response);
  const method: StepUpMethod | null = response.success ? response.data.kind : null;
  const claimedCredential = response.success && response.data.kind === "webauthn" ? authenticationResponseSchema.safeParse(response.data.assertion) : null;
  const credentialId = claimedCredential?.success ? claimedCredential.data.id : null;
  const manifest = sealManifestSchema.safeParse(raw.manifest);
  const challengeId = z.string().uuid().safeParse(raw.challengeId);

  const refuse = (code: StepUpErrorCode, message?: string): Promise<never> =>
    refuseStepUp(db, ctx, { code, method, credentialId, manifest: manifest.success ? manifest.data : null, challengeId: challengeId.success ? challengeId.data : null, message }, request);

  if (!response.success) return refuse("step_up.bad_assertion");
  if (!manifest.success) return refuse("step_up.mismatch");
  if (!challengeId.success) return refuse("step_up.expired");
  if (ctx.userId !== manifest.data.userId || ctx.orgId !== manifest.data.orgId) return refuse("step_up.wrong_user");
  if (!(await maySeal(db, ctx))) return refuse("step_up.forbidden");

  const challenge = await findChallenge(db, challengeId.data, SEAL_STEP_UP_PURPOSE);
  if (challenge === null) return refuse("step_up.expired");
  if (challenge.userId !== ctx.userId || challenge.orgId !== ctx.orgId) return refuse("step_up.wrong_user");
  if (challenge.consumedAt !== null) return refuse("step_up.used");
  if (challenge.expired) return refuse("step_up.expired");
  if (challenge.manifestHash === null || sealManifestHash(manifest.data) !== challenge.manifestHash) return refuse("step_up.mismatch");

  // Which refusal a lost race means: the challenge was used meanwhile, or ran out.
  const consumeRefusal = async (): Promise<StepUpErrorCode> => ((await findChallenge(db, challengeId.data, SEAL_STEP_UP_PURPOSE))?.consumedAt != null ? "step_up.used" : "step_up.expired");

  if (response.data.kind === "webauthn") {
    if (claimedCredential === null || !claimedCredential.success) return refuse("step_up.bad_assertion");
    const assertion = claimedCredential.data;
    const passkey = await db.passkey.findFirst({ where: { id: assertion.id, userId: ctx.userId } });
    if (passkey === null) return refuse("step_up.bad_assertion");
    const check = await verifyPasskeyAssertion(assertion, passkey, challenge.challenge, options.rp ?? relyingParty());
    if (!check.ok) return refuse(check.reason === "uv_required" ? "step_up.uv_required" : "step_up.bad_assertion");
    const outcome = await db.$transaction(async (tx): Promise<"consumed" | "challenge" | "counter"> => {
      if (!(await consumeChallenge(tx, challenge.id, SEAL_STEP_UP_PURPOSE))) return "challenge";
      if (!(await recordPasskeyUse(tx, passkey.id, check.newCounter))) throw new CounterRaceError();
      return "consumed";
    }).catch((error: unknown) => {
      if (error instanceof CounterRaceError) return "counter" as const;
      throw error;
    });
    if (outcome === "challenge") return refuse(await consumeRefusal());
    if (outcome === "counter") return refuse("step_up.bad_assertion");
    return { method: "webauthn", credentialId: passkey.id };
  }

  const org = await db.organization.findUniqueOrThrow({ where: { id: ctx.orgId }, select: { allowTotpStepUp: true } });
  if (!org.allowTotpStepUp || !(await totpStatus(db, ctx.userId)).enabled) return refuse("step_up.totp_not_allowed");
  let step: number;
  try {
    ({ step } = await checkTotpCode(db, options.totpKey ?? totpKeyFromEnvironment(), ctx.userId, response.data.code));
  } catch (error) {
    if (error instanceof TotpError) {
      if (error.code === "totp.not_enabled") return refuse("step_up.totp_not_allowed");
      return refuse("step_up.bad_code", error.code === "totp.bad_code" ? undefined : error.message);
    }
    throw error;
  }
  const outcome = await db.$transaction(async (tx): Promise<"consumed" | "challenge" | "step"> => {
    if (!(await consumeChallenge(tx, challenge.id, SEAL_STEP_UP_PURPOSE))) return "challenge";
    if (!(await claimTotpStep(tx, ctx.userId, step))) throw new TotpStepRaceError();
    return "consumed";
  }).catch((error: unknown) => {
    if (error instanceof TotpStepRaceError) return "step" as const;
    throw error;
  });
  if (outcome === "challenge") return refuse(await consumeRefusal());
  if (outcome === "step") return refuse("step_up.bad_code");
  return { method: "totp", credentialId: null };
}

/** Thrown inside a transaction to roll back the consumed challenge. */
class CounterRaceError extends Error {}
class TotpStepRaceError extends Error {}

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

type Refusal = { code: StepUpErrorCode; method: StepUpMethod | null; credentialId: string | null; manifest: SealManifest | null; challengeId: string | null; message?: string };

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
