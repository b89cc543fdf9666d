import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { z } from "zod";
import type { RequestMeta } from "@/lib/audit/append-audit";
import type { Db, Tx } from "@/lib/db/client";
import { SignInThrottledError } from "@/lib/auth/auth-errors";
import {
  ADDRESS_POLICY,
  addressThrottleKeys,
  assertNotThrottled,
  claimAttempt,
  lockExhaustedKeys,
  settleSuccessfulAttempt,
  type AttemptClaim,
  type ThrottleKey,
} from "@/lib/auth/sign-in-throttle";
import type { SignedInUser } from "@/lib/auth/sign-in";
import { appendAudit } from "@/lib/audit/append-audit";
import { appendAccountAudit } from "@/lib/auth/passkeys/account-audit";
import {
  CHALLENGE_TTL_SECONDS,
  consumeChallenge,
  findChallenge,
  purgeStaleChallenges,
  storeChallenge,
} from "@/lib/auth/passkeys/auth-challenges";
import { PasskeyError } from "@/lib/auth/passkeys/passkey-errors";
import { relyingParty, type RelyingParty } from "@/lib/auth/passkeys/relying-party";
import { recordPasskeyUse, verifyPasskeyAssertion } from "@/lib/auth/passkeys/verify-assertion";
import { authenticationResponseSchema } from "@/lib/auth/passkeys/webauthn-json";

export const passkeySignInSchema = z.object({ challengeId: z.string().uuid(), response: authenticationResponseSchema });

/** Failed passkey sign-ins count per client address, with password sign-in's address policy. */
function addressThrottle(request: RequestMeta): ThrottleKey[] {
  return addressThrottleKeys(request.ip ?? null);
}

/**
 * Request options for a discoverable-credential sign-in: no email asked, no allowCredentials
 * (the authenticator offers its passkeys for this RP), user verification required, and a
 * server-stored single-use challenge (purpose "passkey.sign_in", five minutes).
 */
export async function beginPasskeySignIn(
  db: Db,
  request: RequestMeta,
  rp: RelyingParty = relyingParty(),
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  await assertNotThrottled(db, addressThrottle(request));
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: "required",
    timeout: CHALLENGE_TTL_SECONDS * 1000,
  });
  await purgeStaleChallenges(db);
  const { id } = await storeChallenge(db, { purpose: "passkey.sign_in", challenge: options.challenge, userId: null });
  return { challengeId: id, options };
}

type Refusal =
  | "throttled"
  | "invalid_response"
  | "challenge_unusable"
  | "unknown_credential"
  | "uv_required"
  | "bad_assertion"
  | "user_handle_mismatch"
  | "counter_regressed";

/**
 * Signs a person in with a passkey: the assertion must answer the stored sign-in challenge,
 * with user verification, from a registered credential whose counter moves forward. The
 * challenge is consumed atomically with the counter update and the audit entry. Failures are
 * counted per client address (as for passwords) and audited with the reason and credential.
 */
export async function signInWithPasskey(
  db: Db,
  input: unknown,
  request: RequestMeta,
  rp: RelyingParty = relyingParty(),
): Promise<SignedInUser> {
  // Counted before anything is checked; of the refused attempts only the first is audited one
  // by one, the rest in one summary once the address is let through again.
  const claim = await claimAttempt(db, addressThrottle(request));
  const firstRefusal = claim.keys.some((k) => k.firstRefusal);
  const refusalsToReport = Math.max(0, ...claim.keys.map((k) => k.refusalsToReport));
  if (firstRefusal || refusalsToReport > 0) {
    await db.$transaction(async (tx) => {
      if (firstRefusal) await auditFailure(tx, null, null, "throttled", request);
      if (refusalsToReport > 0)
        await appendAudit(tx, {
          orgId: null,
          actorId: null,
          action: "auth.sign_in_throttled",
          data: { method: "passkey", throttledBy: "address", refused: refusalsToReport },
          request,
        });
    });
  }
  if (claim.refused) throw new SignInThrottledError(claim.retryAfterSeconds);

  const parsed = passkeySignInSchema.safeParse(input);
  if (!parsed.success) return refuse(db, claim, null, null, "invalid_response", request);
  const { challengeId, response } = parsed.data;

  const passkey = await db.passkey.findUnique({
    where: { id: response.id },
    include: { user: { select: { id: true, email: true, name: true } } },
  });
  const challenge = await findChallenge(db, challengeId, "passkey.sign_in");
  if (challenge === null || challenge.consumedAt !== null || challenge.expired)
    return refuse(db, claim, passkey?.userId ?? null, response.id, "challenge_unusable", request);
  if (passkey === null) return refuse(db, claim, null, response.id, "unknown_credential", request);

  const check = await verifyPasskeyAssertion(response, passkey, challenge.challenge, rp);
  if (!check.ok) return refuse(db, claim, passkey.userId, passkey.id, check.reason, request);

  const refusal = await db.$transaction(async (tx): Promise<Refusal | null> => {
    if (!(await consumeChallenge(tx, challengeId, "passkey.sign_in"))) return "challenge_unusable";
    if (!(await recordPasskeyUse(tx, passkey.id, check.newCounter))) return "counter_regressed";
    await appendAccountAudit(tx, {
      userId: passkey.userId,
      action: "auth.sign_in",
      subjectType: "user",
      subjectId: passkey.userId,
      data: { method: "passkey", credentialId: passkey.id },
      request,
    });
    return null;
  });
  if (refusal !== null) return refuse(db, claim, passkey.userId, passkey.id, refusal, request);
  await db.$transaction((tx) => settleSuccessfulAttempt(tx, claim));
  return { id: passkey.user.id, email: passkey.user.email, name: passkey.user.name };
}

async function refuse(
  db: Db,
  claim: AttemptClaim,
  userId: string | null,
  credentialId: string | null,
  reason: Refusal,
  request: RequestMeta,
): Promise<never> {
  const locked = await db.$transaction(async (tx) => {
    const lockedNow = await lockExhaustedKeys(tx, claim);
    await auditFailure(tx, userId, credentialId, reason, request);
    return lockedNow;
  });
  if (locked) throw new SignInThrottledError(ADDRESS_POLICY.lockSeconds);
  throw new PasskeyError("passkey.sign_in_failed", { status: 401 });
}

async function auditFailure(
  tx: Tx,
  userId: string | null,
  credentialId: string | null,
  reason: Refusal,
  request: RequestMeta,
): Promise<void> {
  const data = { method: "passkey", reason, credentialId };
  if (userId === null) {
    await appendAudit(tx, {
      orgId: null,
      actorId: null,
      action: "auth.sign_in_failed",
      subjectType: "passkey",
      subjectId: credentialId ?? undefined,
      data,
      request,
    });
    return;
  }
  await appendAccountAudit(tx, {
    userId,
    actorId: null,
    action: "auth.sign_in_failed",
    subjectType: "user",
    subjectId: userId,
    data,
    request,
  });
}
