import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Db, Tx } from "@/lib/db/client";
import { MAX_STORED_COUNTER, splitTransports } from "@/lib/auth/passkeys/passkey-registration";
import type { RelyingParty } from "@/lib/auth/passkeys/relying-party";
import { authenticatorFlags, userHandleOf } from "@/lib/auth/passkeys/webauthn-json";

export type StoredPasskey = { id: string; userId: string; publicKey: Uint8Array; counter: number; transports: string };

/** Why an assertion was not accepted; the callers map these to their own errors. */
export type AssertionRefusal = "uv_required" | "bad_assertion" | "user_handle_mismatch";

export type AssertionCheck =
  { ok: true; newCounter: number } | { ok: false; reason: AssertionRefusal; detail?: string };

/**
 * Verifies a WebAuthn assertion made with `passkey` over `expectedChallenge`: origin, RP ID,
 * user presence and verification (UV is required, always), signature, a counter that moves
 * forward (when the authenticator keeps one), and, when the browser sent one, a user handle
 * that belongs to the passkey's owner.
 */
export async function verifyPasskeyAssertion(
  response: AuthenticationResponseJSON,
  passkey: StoredPasskey,
  expectedChallenge: string,
  rp: RelyingParty,
): Promise<AssertionCheck> {
  if (response.id !== passkey.id) return { ok: false, reason: "bad_assertion", detail: "credential id differs" };
  const flags = authenticatorFlags(response.response.authenticatorData);
  if (flags === null) return { ok: false, reason: "bad_assertion", detail: "authenticator data too short" };
  if (!flags.userVerified) return { ok: false, reason: "uv_required" };
  if (response.response.userHandle !== undefined && response.response.userHandle !== "") {
    if (response.response.userHandle !== Buffer.from(userHandleOf(passkey.userId)).toString("base64url"))
      return { ok: false, reason: "user_handle_mismatch" };
  }
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: passkey.counter,
        transports: splitTransports(passkey.transports),
      },
      requireUserVerification: true,
    });
    if (!result.verified || !result.authenticationInfo.userVerified)
      return { ok: false, reason: "bad_assertion", detail: "signature not verified" };
    return { ok: true, newCounter: Math.min(result.authenticationInfo.newCounter, MAX_STORED_COUNTER) };
  } catch (error) {
    return {
      ok: false,
      reason: "bad_assertion",
      detail: error instanceof Error ? error.message.slice(0, 200) : undefined,
    };
  }
}

/**
 * Records a use of the passkey, atomically: the counter must move forward, or stay at zero for
 * authenticators that keep none. False when another use got there first (a replay or a clone).
 */
export async function recordPasskeyUse(tx: Db | Tx, credentialId: string, newCounter: number): Promise<boolean> {
  const count = await tx.$executeRawUnsafe(
    `UPDATE "Passkey" SET counter = $2, "lastUsedAt" = (now() AT TIME ZONE 'UTC')
      WHERE id = $1 AND (counter < $2 OR (counter = 0 AND $2 = 0))`,
    credentialId,
    newCounter,
  );
  return count === 1;
}
