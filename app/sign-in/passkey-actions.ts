"use server";

import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { AuthError, CredentialsSignin } from "next-auth";
import { getDb } from "@/lib/db/client";
import { beginPasskeySignIn } from "@/lib/auth/passkeys/passkey-sign-in";
import { PasskeyError } from "@/lib/auth/passkeys/passkey-errors";
import { failure, isNextControlFlow } from "@/app/_server/action-state";
import { signIn } from "@/app/_server/auth";
import { requestMeta } from "@/app/_server/request-meta";

export type PasskeySignInStart =
  { ok: true; challengeId: string; options: PublicKeyCredentialRequestOptionsJSON } | { ok: false; error: string };

const MESSAGES: Record<string, string> = {
  "passkey.sign_in_failed": new PasskeyError("passkey.sign_in_failed").message,
  "auth.throttled": "Too many failed sign-in attempts. Wait a few minutes before you try again.",
};

/** Public by design (nobody is signed in yet): throttled per client address, challenges expire and are purged. */
export async function beginPasskeySignInAction(): Promise<PasskeySignInStart> {
  try {
    const { challengeId, options } = await beginPasskeySignIn(await getDb(), await requestMeta());
    return { ok: true, challengeId, options };
  } catch (error) {
    return { ok: false, error: failure(error).error ?? "Passkey sign-in is not available right now." };
  }
}

/** Hands the browser's assertion to the "passkey" Auth.js provider, which verifies it; redirects on success. */
export async function signInWithPasskeyAction(input: {
  challengeId: string;
  response: unknown;
}): Promise<{ error: string }> {
  try {
    const challengeId = typeof input?.challengeId === "string" ? input.challengeId.slice(0, 64) : "";
    await signIn("passkey", {
      challengeId,
      response: JSON.stringify(input?.response ?? null),
      redirectTo: "/dashboard",
    });
    return { error: MESSAGES["passkey.sign_in_failed"]! };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    if (error instanceof CredentialsSignin)
      return { error: MESSAGES[error.code] ?? MESSAGES["passkey.sign_in_failed"]! };
    if (error instanceof AuthError) return { error: "Sign-in is not available right now. Please try again." };
    return { error: failure(error).error ?? MESSAGES["passkey.sign_in_failed"]! };
  }
}
