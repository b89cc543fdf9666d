"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { acceptanceSchema, acceptInvitation } from "@/lib/auth/invitations";
import { failure, formValues, type ActionState } from "@/app/_server/action-state";
import { requestMeta } from "@/app/_server/request-meta";

export async function acceptInvitationWithForm(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["name"]);
  try {
    const input = acceptanceSchema.parse({
      token: form.get("token"),
      name: form.get("name") ?? undefined,
      password: form.get("password"),
    });
    await acceptInvitation(await getDb(), input, await requestMeta());
  } catch (error) {
    return failure(error, values);
  }
  redirect("/sign-in?notice=joined");
}
