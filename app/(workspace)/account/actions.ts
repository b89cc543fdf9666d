"use server";

import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { removePasskey, renamePasskey } from "@/lib/auth/passkeys/manage-passkeys";
import { beginPasskeyRegistration, finishPasskeyRegistration } from "@/lib/auth/passkeys/passkey-registration";
import { totpKeyFromEnvironment } from "@/lib/auth/totp/secret-box";
import {
  confirmTotpEnrolment,
  disableTotp,
  regenerateRecoveryCodes,
  startTotpEnrolment,
  type TotpEnrolment,
} from "@/lib/auth/totp/totp-factor";
import { failure, formValues, isNextControlFlow, type ActionState } from "@/app/_server/action-state";
import { requestMeta } from "@/app/_server/request-meta";
import { requireSession, requireUser } from "@/app/_server/session";
import { changePassword, passwordChangeSchema } from "@/lib/auth/change-password";

/**
 * Account security: every action works on the signed-in person's own passkeys and
 * authenticator only (the user id comes from the session; lib/ scopes every query by it).
 */

type Failure = { ok: false; error: string; field?: string };
const asFailure = (error: unknown): Failure => {
  const state = failure(error);
  return { ok: false, error: state.error ?? "Something went wrong.", field: state.field };
};

const passwordInput = z.object({ password: z.string().max(256) });

export async function beginPasskeyRegistrationAction(input: {
  password: string;
}): Promise<{ ok: true; challengeId: string; options: PublicKeyCredentialCreationOptionsJSON } | Failure> {
  try {
    const user = await requireUser();
    const { password } = passwordInput.parse(input);
    const { challengeId, options } = await beginPasskeyRegistration(
      await getDb(),
      user.id,
      password,
      await requestMeta(),
    );
    return { ok: true, challengeId, options };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    return asFailure(error);
  }
}

export async function finishPasskeyRegistrationAction(input: {
  challengeId: string;
  name: string;
  response: unknown;
}): Promise<{ ok: true; message: string } | Failure> {
  try {
    const user = await requireUser();
    // The lib function parses the whole input with zod (challenge id, name, WebAuthn response).
    const { name } = await finishPasskeyRegistration(
      await getDb(),
      user.id,
      input as Parameters<typeof finishPasskeyRegistration>[2],
      await requestMeta(),
    );
    revalidatePath("/account");
    return { ok: true, message: `Passkey "${name}" added. You can use it to sign in and to confirm seals.` };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    return asFailure(error);
  }
}

export async function removePasskeyAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const user = await requireUser();
    const { name } = await removePasskey(
      await getDb(),
      user.id,
      String(form.get("credentialId") ?? ""),
      await requestMeta(),
    );
    revalidatePath("/account");
    return { ok: true, message: `Passkey "${name}" removed.` };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    return failure(error);
  }
}

export async function renamePasskeyAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["name"]);
  try {
    const user = await requireUser();
    await renamePasskey(await getDb(), user.id, String(form.get("credentialId") ?? ""), values.name ?? "");
    revalidatePath("/account");
    return { ok: true, message: "Passkey renamed." };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    return failure(error, values);
  }
}

export type TotpEnrolmentState = {
  enrolment?: Pick<TotpEnrolment, "secret" | "otpauthUri" | "qr">;
  error?: string;
  field?: string;
};

export async function startTotpEnrolmentAction(
  _previous: TotpEnrolmentState,
  form: FormData,
): Promise<TotpEnrolmentState> {
  try {
    const user = await requireUser();
    const { password } = passwordInput.parse({ password: String(form.get("password") ?? "") });
    const enrolment = await startTotpEnrolment(
      await getDb(),
      totpKeyFromEnvironment(),
      user.id,
      password,
      await requestMeta(),
    );
    return { enrolment };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    const { error: message, field } = failure(error);
    return { error: message, field };
  }
}

export type RecoveryCodesState = { recoveryCodes?: string[]; error?: string };

export async function confirmTotpEnrolmentAction(
  _previous: RecoveryCodesState,
  form: FormData,
): Promise<RecoveryCodesState> {
  try {
    const user = await requireUser();
    const { recoveryCodes } = await confirmTotpEnrolment(
      await getDb(),
      totpKeyFromEnvironment(),
      user.id,
      String(form.get("code") ?? ""),
      await requestMeta(),
    );
    return { recoveryCodes };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    return { error: failure(error).error };
  }
}

export async function regenerateRecoveryCodesAction(
  _previous: RecoveryCodesState,
  form: FormData,
): Promise<RecoveryCodesState> {
  try {
    const user = await requireUser();
    const { recoveryCodes } = await regenerateRecoveryCodes(
      await getDb(),
      totpKeyFromEnvironment(),
      user.id,
      String(form.get("code") ?? ""),
      await requestMeta(),
    );
    return { recoveryCodes };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    return { error: failure(error).error };
  }
}

export async function disableTotpAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const user = await requireUser();
    await disableTotp(
      await getDb(),
      totpKeyFromEnvironment(),
      user.id,
      String(form.get("code") ?? ""),
      await requestMeta(),
    );
    revalidatePath("/account");
    return { ok: true, message: "The authenticator app is turned off and its recovery codes no longer work." };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    return failure(error);
  }
}

/** A new password ends every other session of the account; this one stays signed in. */
export async function changePasswordAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { user, sessionId } = await requireSession();
    const input = passwordChangeSchema.parse({
      password: String(form.get("password") ?? ""),
      newPassword: String(form.get("newPassword") ?? ""),
    });
    const { otherSessionsEnded } = await changePassword(await getDb(), user.id, sessionId, input, await requestMeta());
    return {
      ok: true,
      message: `Password changed. ${otherSessionsEnded === 0 ? "No other session was open." : `Signed out ${otherSessionsEnded} other session${otherSessionsEnded === 1 ? "" : "s"}.`}`,
    };
  } catch (error) {
    return failure(error);
  }
}
