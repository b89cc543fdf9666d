import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
} from "@simplewebauthn/server";
import { z } from "zod";
import type { RequestMeta } from "@/lib/audit/append-audit";
import type { Db } from "@/lib/db/client";
import { confirmPassword } from "@/lib/auth/step-up/confirm-password";
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
import { knownTransports, registrationResponseSchema, userHandleOf } from "@/lib/auth/passkeys/webauthn-json";

export const MAX_PASSKEYS_PER_USER = 20;
/** EdDSA, ES256, RS256: what authenticators offer today. */
export const PASSKEY_ALGORITHMS = [-8, -7, -257];
/** The database stores the signature counter as a signed 32-bit integer. */
export const MAX_STORED_COUNTER = 2_147_483_647;

export const passkeyNameSchema = z
  .string()
  .trim()
  .min(1, "Give the passkey a name, such as “Work laptop” or “Phone”.")
  .max(60, "Use at most 60 characters for the passkey's name.");

export const finishRegistrationSchema = z.object({
  challengeId: z.string().uuid(),
  name: passkeyNameSchema,
  response: registrationResponseSchema,
});

export type PasskeyRegistrationStart = { challengeId: string; options: PublicKeyCredentialCreationOptionsJSON };

/**
 * Step 1: after the password is confirmed again, creation options for the browser, with a
 * server-stored single-use challenge (purpose "passkey.register", five minutes). The user id
 * (as its 16 bytes) is the user handle, user verification is required, a discoverable
 * credential is preferred (so it can sign in without an email), and the person's existing
 * passkeys are excluded.
 */
export async function beginPasskeyRegistration(
  db: Db,
  userId: string,
  password: string,
  request: RequestMeta,
  rp: RelyingParty = relyingParty(),
): Promise<PasskeyRegistrationStart> {
  await confirmPassword(db, userId, password, request);
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, email: true, name: true },
  });
  const existing = await db.passkey.findMany({ where: { userId }, select: { id: true, transports: true } });
  if (existing.length >= MAX_PASSKEYS_PER_USER) throw new PasskeyError("passkey.too_many");
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: userHandleOf(user.id),
    attestationType: "none",
    timeout: CHALLENGE_TTL_SECONDS * 1000,
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: splitTransports(p.transports) })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
  await purgeStaleChallenges(db);
  const { id } = await storeChallenge(db, { purpose: "passkey.register", challenge: options.challenge, userId });
  return { challengeId: id, options };
}

/**
 * Step 2: verifies the browser's attestation ("none" accepted: Signet trusts the person who
 * proved their password, not the authenticator's make) against the stored challenge, origin
 * and RP ID with user verification, consumes the challenge atomically, and stores the
 * credential with its audit entry in one transaction.
 */
export async function finishPasskeyRegistration(
  db: Db,
  userId: string,
  input: z.input<typeof finishRegistrationSchema>,
  request: RequestMeta,
  rp: RelyingParty = relyingParty(),
): Promise<{ credentialId: string; name: string }> {
  const parsed = finishRegistrationSchema.safeParse(input);
  if (!parsed.success) {
    const nameIssue = parsed.error.issues.find((issue) => issue.path[0] === "name");
    if (nameIssue !== undefined) throw parsed.error;
    throw new PasskeyError("passkey.invalid_response", { cause: parsed.error.issues[0]?.message });
  }
  const { challengeId, name, response } = parsed.data;
  const challenge = await findChallenge(db, challengeId, "passkey.register");
  if (challenge === null || challenge.userId !== userId || challenge.consumedAt !== null || challenge.expired)
    throw new PasskeyError("passkey.challenge_unusable");

  let info;
  try {
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
    });
    if (!verification.verified) throw new Error("attestation not verified");
    info = verification.registrationInfo;
  } catch (error) {
    throw new PasskeyError("passkey.not_verified", { cause: error instanceof Error ? error.message : undefined });
  }

  const credentialId = info.credential.id;
  const transports = knownTransports(info.credential.transports);
  return db.$transaction(async (tx) => {
    if (!(await consumeChallenge(tx, challengeId, "passkey.register")))
      throw new PasskeyError("passkey.challenge_unusable");
    if ((await tx.passkey.count({ where: { id: credentialId } })) > 0)
      throw new PasskeyError("passkey.already_registered");
    if ((await tx.passkey.count({ where: { userId } })) >= MAX_PASSKEYS_PER_USER)
      throw new PasskeyError("passkey.too_many");
    await tx.passkey.create({
      data: {
        id: credentialId,
        userId,
        name,
        publicKey: Buffer.from(info.credential.publicKey),
        counter: Math.min(info.credential.counter, MAX_STORED_COUNTER),
        transports: transports.join(","),
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
      },
    });
    await appendAccountAudit(tx, {
      userId,
      action: "passkey.registered",
      subjectType: "passkey",
      subjectId: credentialId,
      data: {
        credentialId,
        name,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        aaguid: info.aaguid,
        transports,
      },
      request,
    });
    return { credentialId, name };
  });
}

export function splitTransports(stored: string): string[] {
  return stored === "" ? [] : stored.split(",");
}
