import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { Db } from "@/lib/db/client";
import type { OrgContext } from "@/lib/access/org-context";
import {
  CHALLENGE_TTL_SECONDS,
  consumeChallenge,
  findChallenge,
  type ChallengePurpose,
  type StoredChallenge,
} from "@/lib/auth/passkeys/auth-challenges";
import { splitTransports } from "@/lib/auth/passkeys/passkey-registration";
import { relyingParty, type RelyingParty } from "@/lib/auth/passkeys/relying-party";
import { recordPasskeyUse, verifyPasskeyAssertion } from "@/lib/auth/passkeys/verify-assertion";
import { totpKeyFromEnvironment, type TotpKey } from "@/lib/auth/totp/secret-box";
import { checkTotpCode, claimTotpStep, totpStatus } from "@/lib/auth/totp/totp-factor";
import { TotpError } from "@/lib/auth/totp/totp-errors";
import type { StepUpErrorCode } from "@/lib/auth/step-up/step-up-errors";
import type { StepUpAnswer, StepUpMethod } from "@/lib/auth/step-up/step-up-response";

/**
 * The authentication of a step-up: which factors a person can answer a challenge with (a
 * passkey with user verification, or a TOTP code where the organisation allows it), and the
 * check of an answer against a stored challenge. What the challenge is bound to is the
 * caller's business (lib/sealing binds it to a seal manifest).
 */

/** For tests and unusual deployments; by default both come from the environment. */
export type StepUpOptions = { rp?: RelyingParty; totpKey?: TotpKey };

export type StepUpFactors = {
  /** Options for @simplewebauthn/browser's startAuthentication; null when the person has no passkey. */
  webauthn: PublicKeyCredentialRequestOptionsJSON | null;
  /** The organisation allows TOTP at the step-up and the person has a confirmed authenticator app. */
  totpAllowed: boolean;
};

/** A step-up answered and its challenge used up. */
export type ConsumedStepUp = { method: StepUpMethod; credentialId: string | null };

export type StepUpVerdict = ({ ok: true } & ConsumedStepUp) | { ok: false; code: StepUpErrorCode; message?: string };

/**
 * The factors `ctx`'s person can answer `challengeBytes` with, and the WebAuthn request
 * options over exactly those bytes. Neither factor (webauthn null, totpAllowed false) means
 * the person cannot step up at all.
 */
export async function offerStepUpFactors(
  db: Db,
  ctx: OrgContext,
  challengeBytes: Uint8Array<ArrayBuffer>,
  options: StepUpOptions = {},
): Promise<StepUpFactors> {
  const [passkeys, org, totp] = await Promise.all([
    db.passkey.findMany({
      where: { userId: ctx.userId },
      select: { id: true, transports: true },
      orderBy: { createdAt: "asc" },
    }),
    db.organization.findUniqueOrThrow({ where: { id: ctx.orgId }, select: { allowTotpStepUp: true } }),
    totpStatus(db, ctx.userId),
  ]);
  const totpAllowed = org.allowTotpStepUp && totp.enabled;
  if (passkeys.length === 0 && !totpAllowed) return { webauthn: null, totpAllowed: false };

  const rp = options.rp ?? relyingParty();
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
  if (webauthn !== null && webauthn.challenge !== challenge)
    throw new Error("the WebAuthn options do not carry the derived challenge");
  return { webauthn, totpAllowed };
}

/**
 * Checks `answer` against `challenge` (found, owned by `ctx`, unused and unexpired: the caller
 * checked) and uses the challenge up. The assertion must verify (UV required) with one of the
 * person's own passkeys, or the TOTP code must be current and unused where TOTP is allowed.
 * The challenge is consumed atomically with the passkey counter or the TOTP step; a refusal
 * is returned, for the caller to audit.
 */
export async function verifyStepUpAnswer(
  db: Db,
  ctx: OrgContext,
  challenge: StoredChallenge,
  purpose: ChallengePurpose,
  answer: StepUpAnswer,
  options: StepUpOptions = {},
): Promise<StepUpVerdict> {
  const refuse = (code: StepUpErrorCode, message?: string): StepUpVerdict => ({ ok: false, code, message });
  // Which refusal a lost race means: the challenge was used meanwhile, or ran out.
  const consumeRefusal = async (): Promise<StepUpErrorCode> =>
    (await findChallenge(db, challenge.id, purpose))?.consumedAt != null ? "step_up.used" : "step_up.expired";

  if (answer.method === "webauthn") {
    if (answer.assertion === null) return refuse("step_up.bad_assertion");
    const assertion = answer.assertion;
    const passkey = await db.passkey.findFirst({ where: { id: assertion.id, userId: ctx.userId } });
    if (passkey === null) return refuse("step_up.bad_assertion");
    const check = await verifyPasskeyAssertion(assertion, passkey, challenge.challenge, options.rp ?? relyingParty());
    if (!check.ok) return refuse(check.reason === "uv_required" ? "step_up.uv_required" : "step_up.bad_assertion");
    const outcome = await db
      .$transaction(async (tx): Promise<"consumed" | "challenge" | "counter"> => {
        if (!(await consumeChallenge(tx, challenge.id, purpose))) return "challenge";
        if (!(await recordPasskeyUse(tx, passkey.id, check.newCounter))) throw new CounterRaceError();
        return "consumed";
      })
      .catch((error: unknown) => {
        if (error instanceof CounterRaceError) return "counter" as const;
        throw error;
      });
    if (outcome === "challenge") return refuse(await consumeRefusal());
    if (outcome === "counter") return refuse("step_up.bad_assertion");
    return { ok: true, method: "webauthn", credentialId: passkey.id };
  }

  const org = await db.organization.findUniqueOrThrow({ where: { id: ctx.orgId }, select: { allowTotpStepUp: true } });
  if (!org.allowTotpStepUp || !(await totpStatus(db, ctx.userId)).enabled) return refuse("step_up.totp_not_allowed");
  let step: number;
  try {
    ({ step } = await checkTotpCode(db, options.totpKey ?? totpKeyFromEnvironment(), ctx.userId, answer.code));
  } catch (error) {
    if (error instanceof TotpError) {
      if (error.code === "totp.not_enabled") return refuse("step_up.totp_not_allowed");
      return refuse("step_up.bad_code", error.code === "totp.bad_code" ? undefined : error.message);
    }
    throw error;
  }
  const outcome = await db
    .$transaction(async (tx): Promise<"consumed" | "challenge" | "step"> => {
      if (!(await consumeChallenge(tx, challenge.id, purpose))) return "challenge";
      if (!(await claimTotpStep(tx, ctx.userId, step))) throw new TotpStepRaceError();
      return "consumed";
    })
    .catch((error: unknown) => {
      if (error instanceof TotpStepRaceError) return "step" as const;
      throw error;
    });
  if (outcome === "challenge") return refuse(await consumeRefusal());
  if (outcome === "step") return refuse("step_up.bad_code");
  return { ok: true, method: "totp", credentialId: null };
}

/** Thrown inside a transaction to roll back the consumed challenge. */
class CounterRaceError extends Error {}
class TotpStepRaceError extends Error {}
