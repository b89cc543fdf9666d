"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { InvalidCredentialsError } from "@/lib/auth/auth-errors";
import { failure, formValues, isNextControlFlow, type ActionState } from "@/app/_server/action-state";
import { signIn } from "@/app/_server/auth";

const MESSAGES: Record<string, string> = {
  "auth.invalid_credentials": new InvalidCredentialsError().message,
  "auth.throttled": "Too many failed sign-in attempts. Wait a few minutes before you try again.",
};

export async function signInWithForm(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["email"]);
  try {
    await signIn("credentials", {
      email: values.email,
      password: String(form.get("password") ?? ""),
      redirectTo: "/dashboard",
    });
    return { ok: true };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    if (error instanceof CredentialsSignin)
      return { error: MESSAGES[error.code] ?? MESSAGES["auth.invalid_credentials"], values };
    if (error instanceof AuthError) return { error: "Sign-in is not available right now. Please try again.", values };
    return failure(error, values);
  }
}
