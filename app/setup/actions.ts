"use server";

import { getDb } from "@/lib/db/client";
import { completeSetup, setupInputSchema } from "@/lib/auth/setup";
import { failure, formValues, isNextControlFlow, type ActionState } from "@/app/_server/action-state";
import { signIn } from "@/app/_server/auth";
import { requestMeta } from "@/app/_server/request-meta";

export async function setUpSignet(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["organisationName", "name", "email"]);
  try {
    const input = setupInputSchema.parse({ ...values, password: form.get("password") });
    await completeSetup(await getDb(), input, await requestMeta());
    await signIn("credentials", { email: input.email, password: input.password, redirectTo: "/dashboard" });
    return { ok: true };
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    return failure(error, values);
  }
}
